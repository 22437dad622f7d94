"""Bad files go to quarantine with a reason, bad rows to raw.rejects; the rest still loads."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.ingest.table_load import REDACTED_REASON
from pipelines.settings import Settings
from tests.ingest.fixtures import (
    PERSONS,
    esf_rows,
    gwa_row,
    gwa_rows,
    ledger_rows,
    write_csv,
    write_landing,
    write_xlsx,
)
from tests.ingest.test_ingest_assets import (
    ALL_ASSETS,
    assert_no_personnummer,
    checks,
    materialize,
    query,
)


def plant_bad_files(settings: Settings) -> dict[str, str]:
    """One file per way a delivery can be unreadable -> (folder, expected reason words)."""
    landing = settings.landing
    write_csv(landing / "arende" / "gwa_kristianstad_20240601.csv", gwa_rows(), delimiter=",")
    truncated = "\r\n".join(";".join(row) for row in gwa_rows()).encode("cp1252")
    (landing / "arende" / "gwa_osby_20240601.csv").write_bytes(truncated[: -len("Delvis;1 234,5")])
    write_csv(
        landing / "scb" / "esf_2019-3010124_20240601.txt",
        [row[2:] for row in esf_rows()],  # Projektnummer and Personnummer missing
    )
    ledger = "\r\n".join(";".join(row) for row in ledger_rows()).encode("cp1252")
    (landing / "ekonomi" / "huvudbok_osby_20240331.csv").write_bytes(b"\xef\xbb\xbf" + ledger)
    write_csv(landing / "arende" / "export_från_gwa.csv", gwa_rows()[:3])
    (landing / "arende" / "register_osby_20240701.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    write_xlsx(landing / "arende" / "register_okand_20240601.xlsx", {"Deltagare": [["Pnr"]]})
    write_xlsx(landing / "ekonomi" / "prognos_20240930.xlsx", {"Blad1": [["Insats"]]})
    return {
        "arende/gwa_kristianstad_20240601.csv": "avgränsare",
        "arende/gwa_osby_20240601.csv": "rad 5",
        "scb/esf_2019-3010124_20240601.txt": "saknas: Personnummer",
        "ekonomi/huvudbok_osby_20240331.csv": "UTF-8",
        "arende/export_från_gwa.csv": "filnamnsmönster",
        "arende/register_osby_20240701.xlsx": "Excel",
        "arende/register_okand_20240601.xlsx": "registers/okand.yml",
        "ekonomi/prognos_20240930.xlsx": "Prognos",
    }


def test_bad_files_are_quarantined_and_every_other_file_loads(finsam_env: Settings) -> None:
    write_landing(finsam_env.landing, finsam_env.config)
    expected = plant_bad_files(finsam_env)
    result = materialize()
    assert result.success  # quarantine is a failed check, not a failed run
    for relative, words in expected.items():
        folder, name = relative.split("/")
        assert not (finsam_env.landing / relative).exists()
        moved = finsam_env.landing / "quarantine" / folder / name
        assert moved.exists(), relative
        reason = moved.with_name(f"{name}.reason.txt").read_text(encoding="utf-8")
        assert name in reason and words in reason and "Reason:" in reason, reason
    statuses = dict(query(finsam_env, "SELECT file_name, status FROM raw.file_registry"))
    assert [statuses[relative.split("/")[1]] for relative in expected] == ["quarantined"] * 8
    assert list(statuses.values()).count("loaded") == 9
    evaluations = checks(result)
    failed = {key[0] for key, evaluation in evaluations.items() if not evaluation.passed}
    assert failed == {
        "raw/case_enrolments",
        "raw/esf_participants",
        "raw/ledger_transactions",
        "raw/forecast_lines",
    }
    files_check = evaluations[("raw/case_enrolments", "files_readable")]
    assert files_check.severity.value == "ERROR"
    assert files_check.metadata["files_quarantined"].value == 5
    assert query(finsam_env, "SELECT count(*) FROM raw.case_enrolments") == [(10,)]
    assert_no_personnummer(finsam_env, result)


def test_quarantined_file_delivered_again_is_quarantined_again(finsam_env: Settings) -> None:
    landing = finsam_env.landing
    write_csv(landing / "arende" / "gwa_osby_20240601.csv", gwa_rows(), delimiter=",")
    materialize(ALL_ASSETS[:1])
    write_csv(landing / "arende" / "gwa_osby_20240601.csv", gwa_rows(), delimiter=",")
    result = materialize(ALL_ASSETS[:1])
    assert not checks(result)[("raw/case_enrolments", "files_readable")].passed
    assert len(list((landing / "quarantine" / "arende").glob("*.reason.txt"))) == 2
    assert query(finsam_env, "SELECT count(*) FROM raw.file_registry") == [(1,)]


def test_bad_rows_are_rejected_or_nulled_with_file_row_and_field(finsam_env: Settings) -> None:
    bo = PERSONS["bo"]
    wrong_check_digit = f"{bo[:11]}{(int(bo[11]) + 1) % 10}"
    write_csv(
        finsam_env.landing / "arende" / "gwa_hassleholm_20240601.csv",
        gwa_rows(
            [
                gwa_row("H-6", wrong_check_digit),
                gwa_row("H-7", PERSONS["dan"], Remissdatum="2024-02-30"),
                gwa_row("H-8", PERSONS["dan"], Avslutsdatum="20241301", Avslutsorsak="Värnplikt"),
                gwa_row(
                    "H-9",
                    PERSONS["dan"],
                    Närvarotimmar="-4",
                    **{"Omfattning försörjning vid inskrivning": "hel"},
                ),
            ]
        ),
    )
    write_csv(
        finsam_env.landing / "ekonomi" / "huvudbok_hassleholm_20240331.csv",
        ledger_rows([["V5", "2024-03-02", "5010", "610", "4711", "tusen", "Fel belopp"]]),
    )
    result = materialize(ALL_ASSETS[:4])
    assert result.success
    rejects = query(
        finsam_env,
        "SELECT source_file, row_number, field, reason, action, case_id FROM raw.rejects "
        "ORDER BY source_file, row_number, field",
    )
    gwa, ledger = "gwa_hassleholm_20240601.csv", "huvudbok_hassleholm_20240331.csv"
    assert rejects == [
        (
            gwa,
            6,
            "Personnummer",
            "ogiltigt personnummer: fel kontrollsiffra",
            "field_nulled",  # counted as a person who cannot be linked
            "H-6",
        ),
        (gwa, 7, "Remissdatum", "ogiltigt datum", "field_nulled", "H-7"),
        (gwa, 8, "Avslutsdatum", "ogiltigt datum", "field_nulled", "H-8"),
        (gwa, 9, "Närvarotimmar", "negativt värde", "field_nulled", "H-9"),
        (
            gwa,
            9,
            "Omfattning försörjning vid inskrivning",
            "ogiltigt heltal",
            "field_nulled",
            "H-9",
        ),
        (ledger, 4, "Text", REDACTED_REASON, "field_redacted", None),  # the fixture's typed pnr
        (ledger, 5, "Belopp", "ogiltigt belopp", "row_rejected", None),
    ]
    loaded = dict(
        query(
            finsam_env, "SELECT case_id, exit_reason FROM raw.case_enrolments WHERE row_number > 5"
        )
    )
    # Every row kept: the label for dbt, the bad fields nulled.
    assert loaded == {"H-6": None, "H-7": None, "H-8": "Värnplikt", "H-9": None}
    assert query(
        finsam_env,
        "SELECT rows_read, rows_loaded, rows_rejected FROM raw.file_registry "
        f"WHERE file_name = '{gwa}'",
    ) == [(9, 9, 0)]
    rows_check = checks(result)[("raw/case_enrolments", "rows_valid")]
    assert not rows_check.passed and rows_check.severity.value == "WARN"
    assert rows_check.metadata["rows_rejected"].value == 0
    assert rows_check.metadata["fields_nulled"].value == 5
    assert_no_personnummer(finsam_env, result)


def test_a_crash_mid_file_leaves_nothing_of_it(finsam_env: Settings) -> None:
    """The registry write fails after the rows were inserted: the whole file rolls back."""
    write_landing(finsam_env.landing, finsam_env.config)
    finsam_env.work_db.parent.mkdir(parents=True)
    with duckdb.connect(str(finsam_env.work_db)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE raw.file_registry (file_id VARCHAR PRIMARY KEY, file_name VARCHAR, "
            "source_kind VARCHAR CHECK (source_kind <> 'gwa'), organisation VARCHAR, "
            "extraction_date DATE, content_hash VARCHAR, rows_read INTEGER, rows_loaded INTEGER, "
            "rows_rejected INTEGER, loaded_at TIMESTAMP, status VARCHAR, is_current BOOLEAN, "
            "superseded_by VARCHAR)"
        )
    result = materialize()
    assert not result.success
    failed = [event.step_key for event in result.get_step_failure_events()]
    assert failed == ["ingest_case_enrolments"]
    assert query(finsam_env, "SELECT count(*) FROM raw.case_enrolments") == [(0,)]
    assert query(finsam_env, "SELECT DISTINCT source_kind FROM raw.rejects") == [("ledger",)]
    assert query(finsam_env, "SELECT count(*) FROM raw.ledger_transactions") == [(4,)]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_swedish_letters_survive_both_encodings(finsam_env: Settings, encoding: str) -> None:
    write_csv(
        finsam_env.landing / "arende" / "gwa_hassleholm_20240601.csv",
        gwa_rows([gwa_row("H-6", PERSONS["dan"], Handläggare="ÅSÖ€01")]),
        encoding,
    )
    assert materialize(ALL_ASSETS[:1]).success
    assert query(
        finsam_env, "SELECT caseworker, unit FROM raw.case_enrolments WHERE case_id = 'H-6'"
    ) == [("ÅSÖ€01", "Hässleholm")]


def test_deliveries_with_only_the_mandatory_columns_load(finsam_env: Settings) -> None:
    """Optional columns may be absent: their raw columns are null, nothing is rejected."""
    landing = finsam_env.landing
    write_csv(
        landing / "scb" / "esf_2019-3010123_20240601.txt",
        [[row[1], row[2], row[3]] for row in esf_rows()],
    )
    write_xlsx(
        landing / "arende" / "register_bromolla_20240601.xlsx",
        {"Deltagare": [["PNR", " kön ", "Remiss"], [PERSONS["bo"], "M", "2024-01-01"]]},
    )
    result = materialize(ALL_ASSETS[:2])
    assert result.success and all(e.passed for e in checks(result).values())
    assert query(
        finsam_env, "SELECT project_number, gender, end_date FROM raw.esf_participants LIMIT 1"
    ) == [("2019-3010123", "M", None)]
    assert query(
        finsam_env, "SELECT case_id, insats, exit_date, birth_year FROM raw.case_enrolments"
    ) == [("bromolla-1", "Samverkansteam Bromölla", None, 1990)]
