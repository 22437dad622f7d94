"""Hostile landings: limits, the trust boundary, plausibility and settling (issue 11).

Every hostile entry must be quarantined (or left waiting) with its true reason, never
take the run down, and never cost an organisation its cases; every good file loads.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.content_limits import check_workbook
from pipelines.ingest.engine import ingest
from pipelines.ingest.landing import LANDING_FOLDERS, landed_files
from pipelines.ingest.limits import load_limits
from pipelines.ingest.pseudonym import REDACTED
from pipelines.ingest.unreadable import UnreadableFileError
from pipelines.settings import Settings
from tests.ingest import hostile
from tests.ingest.fixtures import PERSONS, gwa_rows, write_csv, write_landing
from tests.ingest.test_ingest_assets import (
    ALL_ASSETS,
    assert_no_personnummer,
    checks,
    materialize,
    query,
)

CASE_ASSETS = ALL_ASSETS[:1]


def plant_hostile(settings: Settings, outside: Path) -> dict[str, str]:
    """Every hostile entry of the tester's list -> (folder/name, words of its reason)."""
    landing = settings.landing
    arende, scb, ekonomi = landing / "arende", landing / "scb", landing / "ekonomi"
    hostile.register_with_cell(arende / "register_osby_20240701.xlsx", "XFD1048576", 1048576)
    hostile.register_with_cell(arende / "register_bromolla_20240701.xlsx", "A1048576", 1048576)
    hostile.zip_bomb_register(arende / "register_osby_20240801.xlsx")
    hostile.wide_csv(arende / "gwa_vittsjo_20240601.csv")
    hostile.utf16_csv(arende / "gwa_lund_20240601.csv")
    hostile.utf16_csv(ekonomi / "huvudbok_lund_20240331.csv", bom=False)
    hostile.ledger_with_long_line(ekonomi / "huvudbok_osby_20240331.csv")
    outside_case = write_csv(outside / "gwa_malmo_20240601.csv", gwa_rows())
    hostile.symlink(arende / "gwa_malmo_20240601.csv", outside_case)
    hostile.symlink(arende / "gwa_passwd_20240601.csv", "/etc/passwd")
    hostile.symlink(ekonomi / "huvudbok_environ_20240331.csv", "/proc/self/environ")
    hostile.symlink(scb / "esf_2019-3010129_20240601.txt", scb / "esf_2019-3010123_20240601.txt")
    hostile.fifo(scb / "esf_2019-3010125_20240601.txt")
    write_csv(arende / ".gwa_hassleholm_20240701.csv", gwa_rows())
    write_csv(arende / "gwa_hass\nleholm_20240701.csv", gwa_rows())
    (arende / "undermapp").mkdir()
    return {
        "arende/register_osby_20240701.xlsx": "XFD1048576",
        "arende/register_bromolla_20240701.xlsx": "1048576 rader",
        "arende/register_osby_20240801.xlsx": "komprimeringsgraden",
        "arende/gwa_vittsjo_20240601.csv": "antalet kolumner i rubrikraden är 200000",
        "arende/gwa_lund_20240601.csv": "UTF-16-kodad fil (byteordningsmärke)",
        "ekonomi/huvudbok_lund_20240331.csv": "UTF-16-kodad fil (NUL-tecken",
        "ekonomi/huvudbok_osby_20240331.csv": "längden på rad 4",
        "arende/gwa_malmo_20240601.csv": "symbolisk länk",
        "arende/gwa_passwd_20240601.csv": "symbolisk länk",
        "ekonomi/huvudbok_environ_20240331.csv": "symbolisk länk",
        "scb/esf_2019-3010129_20240601.txt": "symbolisk länk",
        "scb/esf_2019-3010125_20240601.txt": "FIFO",
        "arende/.gwa_hassleholm_20240701.csv": "dold fil",
        "arende/gwa_hass_leholm_20240701.csv": "styrtecken",
        "arende/undermapp": "en mapp",
    }


def test_hostile_entries_are_quarantined_with_true_reasons(
    finsam_env: Settings, tmp_path: Path
) -> None:
    write_landing(finsam_env.landing, finsam_env.config)
    outside = tmp_path / "outside"
    expected = plant_hostile(finsam_env, outside)
    part = write_csv(finsam_env.landing / "arende" / "gwa_osby_20240601.csv.part", gwa_rows())
    result = materialize()
    assert result.success  # nothing took the run down
    quarantine = finsam_env.landing / "quarantine"
    for relative, words in expected.items():
        moved = quarantine / relative
        assert os.path.lexists(moved), relative
        reason = moved.with_name(f"{moved.name}.reason.txt").read_text(encoding="utf-8")
        assert words in reason and "Reason:" in reason, (relative, reason)
    assert not list(finsam_env.landing.glob("*/*\n*"))  # the forged name left the landing
    assert (quarantine / "arende" / "gwa_malmo_20240601.csv").is_symlink()  # the link moved
    assert (outside / "gwa_malmo_20240601.csv").exists()  # ... not what it points to
    assert part.exists()  # an upload in progress is never touched
    names = {name for (name,) in query(finsam_env, "SELECT file_name FROM raw.file_registry")}
    assert not [name for name in names if "\n" in name or name.endswith(".part")]
    statuses = dict(query(finsam_env, "SELECT file_name, status FROM raw.file_registry"))
    assert list(statuses.values()).count("loaded") == 9  # every good file of write_landing
    assert query(finsam_env, "SELECT count(*) FROM raw.case_enrolments") == [(10,)]
    files_check = checks(result)[("raw/case_enrolments", "files_readable")]
    assert "gwa_hass_leholm_20240701.csv" in files_check.metadata["quarantined"].value
    assert_no_personnummer(finsam_env, result)


def test_cells_without_references_are_counted_by_position(tmp_path: Path) -> None:
    """`<c>` may omit `r`: 600 such cells in one row are 600 columns, over the limit."""
    path = tmp_path / "register_osby_20240601.xlsx"
    hostile.register_with_cell(path, "A9", 9)
    hostile.rewrite_sheet(path, lambda xml: xml.replace(b'<c r="A9"', b"<c/>" * 600 + b"<c"))
    with pytest.raises(UnreadableFileError, match="601 kolumner"):
        check_workbook(path.read_bytes(), load_limits(tmp_path / "absent.yml"))


def test_landed_files_lists_what_a_run_acts_on(finsam_env: Settings) -> None:
    """Links, FIFOs and hidden files are listed (to quarantine); settling and .part not."""
    arende, scb = finsam_env.landing / "arende", finsam_env.landing / "scb"
    settled = hostile.age(write_csv(arende / "gwa_osby_20240601.csv", gwa_rows()), 7200)
    write_csv(arende / "gwa_hassleholm_20240601.csv", gwa_rows())  # fresh: still settling
    write_csv(arende / "gwa_lund_20240601.csv.part", gwa_rows())
    link = hostile.symlink(arende / "gwa_passwd_20240601.csv", "/etc/passwd")
    hidden = hostile.age(write_csv(arende / ".DS_Store", [["x"]]), 7200)
    pipe = hostile.fifo(scb / "esf_2019-3010125_20240601.txt")
    listed = {
        path
        for folder in LANDING_FOLDERS
        for path in landed_files(finsam_env.landing, folder, settle_seconds=3600)
    }
    assert listed == {settled, link, hidden, pipe}


def test_a_settling_file_waits_for_a_later_run(finsam_env: Settings) -> None:
    arende = finsam_env.landing / "arende"
    hostile.age(write_csv(arende / "gwa_osby_20240601.csv", gwa_rows()), 7200)
    fresh = write_csv(arende / "gwa_hassleholm_20240601.csv", gwa_rows())
    con = duckdb.connect()
    report = ingest(con, finsam_env.landing, b"key", ("gwa",), settle_seconds=3600)
    assert [(o.file_name, o.status) for o in report.outcomes] == [
        ("gwa_hassleholm_20240601.csv", "waiting"),
        ("gwa_osby_20240601.csv", "loaded"),
    ]
    assert "läses när den varit orörd i 3600 s" in report.outcomes[0].reason
    assert fresh.exists()
    assert con.execute("SELECT file_name FROM raw.file_registry").fetchall() == [
        ("gwa_osby_20240601.csv",)
    ]


def _current_cases(settings: Settings) -> dict[str, int]:
    rows = query(
        settings,
        "SELECT file_registry.organisation, count(*) FROM raw.case_enrolments "
        "JOIN raw.file_registry USING (file_id) WHERE is_current GROUP BY 1",
    )
    return dict(rows)


@pytest.mark.parametrize(
    ("rows", "rejected", "figures"),
    [(5, True, "0 av 5 rader"), (1, False, "1 av 1 rader")],
    ids=["all-rows-rejected", "one-row-left-of-fifty"],
)
def test_an_implausible_snapshot_is_held(
    finsam_env: Settings, rows: int, rejected: bool, figures: str
) -> None:
    arende = finsam_env.landing / "arende"
    hostile.gwa_with_rows(arende / "gwa_osby_20240601.csv", 50)
    assert materialize(CASE_ASSETS).success
    hostile.gwa_with_rows(arende / "gwa_osby_20240701.csv", rows, rejected=rejected)
    result = materialize(CASE_ASSETS)
    assert _current_cases(finsam_env) == {"osby": 50}  # yesterday's snapshot stays current
    held = finsam_env.landing / "quarantine" / "arende" / "gwa_osby_20240701.csv"
    reason = held.with_name(f"{held.name}.reason.txt").read_text(encoding="utf-8")
    assert "misstänkt ofullständig leverans" in reason and figures in reason
    assert "har 50 rader" in reason and "ingest.accept_deliveries" in reason
    files_check = checks(result)[("raw/case_enrolments", "files_readable")]
    assert not files_check.passed
    assert "misstänkt" in files_check.metadata["quarantined"].value["gwa_osby_20240701.csv"]
    assert query(
        finsam_env, "SELECT status, rows_read FROM raw.file_registry WHERE file_name LIKE '%0701%'"
    ) == [("quarantined", rows)]


def test_a_steward_accepts_a_smaller_snapshot_by_name(finsam_env: Settings) -> None:
    arende = finsam_env.landing / "arende"
    hostile.gwa_with_rows(arende / "gwa_osby_20240601.csv", 50)
    hostile.gwa_with_rows(arende / "gwa_osby_20240701.csv", 10)
    assert materialize(CASE_ASSETS).success
    assert _current_cases(finsam_env) == {"osby": 50}
    finsam_env.config.parent.mkdir(parents=True, exist_ok=True)
    finsam_env.config.write_text(
        "ingest:\n  accept_deliveries: [gwa_osby_20240701.csv]\n", encoding="utf-8"
    )
    held = finsam_env.landing / "quarantine" / "arende" / "gwa_osby_20240701.csv"
    held.rename(arende / held.name)
    assert materialize(CASE_ASSETS).success
    assert _current_cases(finsam_env) == {"osby": 10}


def test_limits_are_overridable_per_installation(finsam_env: Settings) -> None:
    finsam_env.config.parent.mkdir(parents=True, exist_ok=True)
    finsam_env.config.write_text("ingest:\n  max_file_bytes: 1000\n", encoding="utf-8")
    write_csv(finsam_env.landing / "arende" / "gwa_osby_20240601.csv", gwa_rows())
    result = materialize(CASE_ASSETS)
    assert not checks(result)[("raw/case_enrolments", "files_readable")].passed
    reason = next((finsam_env.landing / "quarantine" / "arende").glob("*.reason.txt"))
    assert "filens storlek (byte) är" in reason.read_text(encoding="utf-8")
    assert "gränsen är 1000" in reason.read_text(encoding="utf-8")


def test_the_organisation_never_carries_a_personnummer(finsam_env: Settings) -> None:
    write_csv(finsam_env.landing / "arende" / f"gwa_{PERSONS['anna']}_20240601.csv", gwa_rows())
    result = materialize(CASE_ASSETS)
    assert query(finsam_env, "SELECT DISTINCT organisation FROM raw.file_registry") == [(REDACTED,)]
    assert_no_personnummer(finsam_env, result)


def test_no_delivery_content_is_written_to_tmpdir(
    finsam_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staging is in memory: nothing is created in TMPDIR, not even for a moment."""
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.setattr(tempfile, "tempdir", None)
    created: list[str] = []

    def watch(event: str, args: tuple) -> None:  # sees files even if deleted at once
        if event == "open" and str(args[0]).startswith(str(tmpdir)):
            created.append(str(args[0]))

    write_landing(finsam_env.landing, finsam_env.config)
    kinds = ("gwa", "register", "esf", "population", "ledger", "budget", "forecast")
    con = duckdb.connect()
    assert tempfile.gettempdir() == str(tmpdir)
    sys.addaudithook(watch)
    report = ingest(con, finsam_env.landing, b"key", kinds)
    assert [outcome.status for outcome in report.outcomes].count("loaded") == 9
    assert created == [] and list(tmpdir.iterdir()) == []
