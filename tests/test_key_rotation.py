"""Rotating the pseudonym key: the rotated warehouse equals one built with the new key.

One small landing (a case export and an ESF report sharing persons, plus registers), the
real nightly job: built with K1, refused with K2, rotated, rebuilt with K2 and a second
delivery; compared with a from-scratch K2 build of the same files.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import rotate_key
from pipelines.definitions import defs
from pipelines.settings import Settings, load_settings
from pipelines.spilling import never_spilling
from tests.conftest import point_environment
from tests.ingest.fixtures import (
    GWA_HEADER,
    PERSONS,
    forms,
    gwa_row,
    gwa_rows,
    write_csv,
    write_landing,
)

K1, K2 = "test-key-one-not-secret", "test-key-two-not-secret"
FIRST_DELIVERY = "gwa_hassleholm_20240601.csv"  # replaces write_landing's case export
SECOND_DELIVERY = "gwa_hassleholm_20240701.csv"
LINKAGE = {
    "scb": "select insats, person_key, status from marts.scb_reconciliation_persons",
    "enrolments": "select list_sort(case_ids), person_key from marts.enrolments",
    "snapshot": "select source_kind, organisation, case_id, person_id, dbt_valid_to is null "
    "from snapshots.case_enrolments_snapshot",
    "persons": "select person_id from raw.case_enrolments where person_id is not null union "
    "select person_id from raw.esf_participants where person_id is not null",
}


def _case_export(landing: Path, name: str, exited: bool) -> None:
    """A case export whose bo and cia are also in the ESF report of their insats; in the
    second delivery (`exited`) H-1 has exited since."""
    # A case system that uses the personnummer as ÄrendeID: the case id is pseudonymous too.
    rows = gwa_rows([gwa_row(PERSONS["dan"], PERSONS["dan"])])
    for row in rows[2:4]:  # H-2 (bo) and H-3 (cia)
        row[GWA_HEADER.index("Insats")] = "Samverkansteam Hässleholm"
    if exited:
        rows[1][GWA_HEADER.index("Avslutsdatum")] = "2024-06-20"
        rows[1][GWA_HEADER.index("Avslutsorsak")] = "Arbete"
    write_csv(landing / "arende" / name, rows)


def _first_delivery(settings: Settings) -> None:
    write_landing(settings.landing, settings.config)
    _case_export(settings.landing, FIRST_DELIVERY, exited=False)


def _nightly() -> dg.ExecuteInProcessResult:
    job = defs().resolve_job_def("nightly")
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def _linkage(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name: con.execute(f"{sql} order by all").fetchall() for name, sql in LINKAGE.items()
        }


def _built_from_scratch(root: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Both deliveries loaded with K2 into empty databases."""
    point_environment(root, monkeypatch.setenv)
    monkeypatch.setenv("FINSAM_PSEUDONYM_KEY", K2)
    settings = load_settings()
    _first_delivery(settings)
    _case_export(settings.landing, SECOND_DELIVERY, exited=True)
    assert _nightly().success
    return settings


def test_rotated_warehouse_links_persons_as_a_fresh_build(
    finsam_env: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    _first_delivery(finsam_env)
    monkeypatch.setenv("FINSAM_PSEUDONYM_KEY", K1)
    assert _nightly().success
    published = finsam_env.warehouse.read_bytes()

    _case_export(finsam_env.landing, SECOND_DELIVERY, exited=True)
    monkeypatch.setenv("FINSAM_PSEUDONYM_KEY", K2)
    assert not _nightly().success  # refused: nothing loaded, nothing published
    assert finsam_env.warehouse.read_bytes() == published

    monkeypatch.setenv("FINSAM_OLD_PSEUDONYM_KEY", K1)
    assert rotate_key.main([]) == 0
    output = capsys.readouterr().out
    assert "5 personer och 1 ärende-id" in output
    assert "snapshots.case_enrolments_snapshot.person_id" in output
    assert not [form for pnr in PERSONS.values() for form in forms(pnr) if form in output]
    assert _nightly().success
    rotated = _linkage(finsam_env.warehouse)

    fresh = _linkage(_built_from_scratch(tmp_path / "fresh", monkeypatch).warehouse)
    assert rotated["scb"] == fresh["scb"]
    assert [status for *_, status in rotated["scb"]].count("both") == 2  # bo and cia linked
    assert rotated["enrolments"] == fresh["enrolments"]
    assert rotated["persons"] == fresh["persons"]  # no person twice after the new delivery
    assert len(rotated["persons"]) == len(PERSONS)
    current = [row[:4] for row in rotated["snapshot"] if row[4]]
    assert current == [row[:4] for row in fresh["snapshot"] if row[4]]
    # Only H-1 changed between the deliveries: the rotation recorded no change of its own.
    closed = [row[2] for row in rotated["snapshot"] if not row[4]]
    assert closed == ["H-1"]


def test_staged_deliveries_never_spill_but_the_rewrite_may(tmp_path: Path) -> None:
    """Staging holds personnummer: over the memory limit it fails instead of writing a temp
    file. Afterwards (the rewrite holds pseudonyms only) spilling is allowed again."""
    con = duckdb.connect(str(tmp_path / "work.duckdb"), config={"memory_limit": "64MB"})
    staged = (
        "create or replace temp table staged as select md5(range::varchar) as personnummer "
        "from range(3000000) order by personnummer"
    )
    with never_spilling(con), pytest.raises(duckdb.OutOfMemoryException):
        con.execute(staged)
    assert not list(tmp_path.glob("work.duckdb.tmp/*"))
    con.execute(staged)
    assert con.execute("select count(*) from staged").fetchone() == (3000000,)


def test_the_rotation_opens_the_work_database_under_the_configured_limit_and_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national rotation rewrites every table: it runs under the nightly run's memory
    limit and threads, not DuckDB's defaults (80 % of memory, every core)."""
    monkeypatch.setenv("FINSAM_DUCKDB_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("FINSAM_DUCKDB_THREADS", "1")
    with rotate_key.open_work_database(tmp_path / "work.duckdb") as con:
        limit, threads = con.execute(
            "select current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
    assert (limit, threads) == ("286.1 MiB", 1)
