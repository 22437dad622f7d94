"""A row with a bad field is loaded, with the field nulled and the reason logged (issue 14):
the real ingest over files written as the agencies deliver them. How dbt then counts such
rows is proven end to end in tests/faults/test_single_row_faults.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.engine import ingest
from pipelines.ingest.personnummer_sql import CORRECTED_PLUS
from pipelines.ingest.schema import ensure_raw_schema, table_columns
from tests.ingest.fixtures import (
    GWA_HEADER,
    PERSONS,
    esf_rows,
    gwa_row,
    osby_register,
    samordningsnummer,
    write_csv,
    write_xlsx,
)

KEY = b"test-key"
YOUNG = samordningsnummer(dt.date(2004, 5, 17), 41, male=False)  # 20 on 2024-06-01


def wrong_check_digit(pnr: str) -> str:
    return pnr[:-1] + str((int(pnr[-1]) + 1) % 10)


BAD_BO = wrong_check_digit(PERSONS["bo"])  # born 1990-12-30 (day + 60), a man


def loaded(tmp_path: Path, kinds: tuple[str, ...] = ("gwa",)) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ingest(con, tmp_path / "landing", KEY, kinds, settle_seconds=0)
    return con


def case(con: duckdb.DuckDBPyConnection, case_id: str) -> dict:
    frame = con.execute("SELECT * FROM raw.case_enrolments WHERE case_id = ?", [case_id]).df()
    assert len(frame) == 1, f"{case_id}: {len(frame)} rows"
    return frame.iloc[0].to_dict()


def rejects(con: duckdb.DuckDBPyConnection, case_id: str) -> list[tuple]:
    return con.execute(
        "SELECT field, reason, action FROM raw.rejects WHERE case_id = ? ORDER BY field",
        [case_id],
    ).fetchall()


def is_null(value: object) -> bool:
    return value is None or str(value) in ("NaT", "nan", "<NA>")


def raw_hits(con: duckdb.DuckDBPyConnection, pnr: str) -> list[str]:
    """Every column of every raw table holding the number in any form (YYMMDD, NNNN)."""
    pattern = f"{pnr[2:8]}[^0-9]{{0,3}}{pnr[8:]}|{pnr[2:]}"
    columns = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'raw'"
    ).fetchall()
    assert len(columns) > 60
    return [
        f"{table}.{column}"
        for table, column in columns
        if con.execute(
            f'SELECT count(*) FROM raw."{table}" WHERE regexp_matches("{column}"::VARCHAR, ?)',
            [pattern],
        ).fetchall()[0][0]
    ]


@pytest.fixture(scope="module")
def gwa_landing(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    tmp_path = tmp_path_factory.mktemp("row_faults")
    eva = PERSONS["eva"]
    write_csv(
        tmp_path / "landing" / "arende" / "gwa_hassleholm_20240601.csv",
        [
            GWA_HEADER,
            gwa_row("CHECK", f"{BAD_BO[:8]}-{BAD_BO[8:]}"),
            gwa_row("EMPTY", ""),
            gwa_row("PLUS", f"{YOUNG[2:8]}+{YOUNG[8:]}"),
            gwa_row("MINUS", f"{YOUNG[2:8]}-{YOUNG[8:]}"),
            gwa_row("OLD", f"{eva[2:8]}+{eva[8:]}"),
            gwa_row("REMISS", PERSONS["cia"], Remissdatum="2024-02-31"),
            gwa_row("NOREMISS", PERSONS["cia"], Remissdatum=""),
            gwa_row("EXIT", PERSONS["dan"], Avslutsdatum="2024-13-45", Avslutsorsak="Arbete"),
            gwa_row(
                "SERIAL",
                PERSONS["anna"],
                Inskrivningsdatum="45107",
                Kartläggningsdatum="45107.0",
                Avslutsdatum="45107,5",
                Avslutsorsak="Arbete",
            ),
        ],
    )
    return loaded(tmp_path)


def test_every_row_of_the_delivery_is_loaded(gwa_landing) -> None:
    assert gwa_landing.execute(
        "SELECT rows_read, rows_loaded, rows_rejected FROM raw.file_registry"
    ).fetchall() == [(9, 9, 0)]
    assert gwa_landing.execute(
        "SELECT count(*) FROM raw.rejects WHERE action = 'row_rejected'"
    ).fetchall() == [(0,)]


def test_wrong_check_digit_loads_a_person_who_cannot_be_linked(gwa_landing) -> None:
    row = case(gwa_landing, "CHECK")
    assert row["person_id"] is None and not row["is_protected_identity"]
    # Form and birth date are fine: birth year, age and kön are still read from the digits.
    assert (row["birth_year"], row["gender"], row["age_at_enrolment"]) == (1990, "M", 33)
    assert row["is_coordination_number"]
    assert list(row["nulled_fields"]) == ["personnummer"]
    assert rejects(gwa_landing, "CHECK") == [
        ("Personnummer", "ogiltigt personnummer: fel kontrollsiffra", "field_nulled")
    ]
    assert raw_hits(gwa_landing, BAD_BO) == []


def test_missing_personnummer_is_unlinkable_not_protected(gwa_landing) -> None:
    row = case(gwa_landing, "EMPTY")
    assert row["person_id"] is None and not row["is_protected_identity"]
    assert is_null(row["birth_year"]) and row["gender"] is None
    assert list(row["nulled_fields"]) == ["personnummer"]
    assert rejects(gwa_landing, "EMPTY") == [
        ("Personnummer", "personnummer saknas", "field_nulled")
    ]


def test_plus_that_would_make_a_young_person_old_is_read_as_minus(gwa_landing) -> None:
    plus, minus = case(gwa_landing, "PLUS"), case(gwa_landing, "MINUS")
    assert plus["person_id"] == minus["person_id"] is not None
    assert plus["person_id"] == hmac.new(KEY, YOUNG.encode(), hashlib.sha256).hexdigest()
    assert plus["birth_year"] == 2004 and plus["age_at_enrolment"] == 19  # on 2024-02-01
    assert list(plus["nulled_fields"]) == []
    assert rejects(gwa_landing, "PLUS") == [("Personnummer", CORRECTED_PLUS, "field_corrected")]
    assert rejects(gwa_landing, "MINUS") == []


def test_a_genuine_plus_keeps_its_century(gwa_landing) -> None:
    eva = PERSONS["eva"]  # born 1923-05-06: 101 on the extraction date
    row = case(gwa_landing, "OLD")
    assert row["birth_year"] == 1923 and row["age_at_enrolment"] == 100
    assert row["person_id"] == hmac.new(KEY, eva.encode(), hashlib.sha256).hexdigest()
    assert rejects(gwa_landing, "OLD") == []


@pytest.mark.parametrize(
    ("case_id", "reason", "nulled"),
    [
        ("REMISS", "ogiltigt datum", ["referral_date"]),  # delivered, unusable
        ("NOREMISS", "värde saknas", []),  # not delivered: nothing was nulled
    ],
)
def test_bad_or_missing_remissdatum_is_nulled_and_the_row_kept(
    gwa_landing, case_id: str, reason: str, nulled: list[str]
) -> None:
    row = case(gwa_landing, case_id)
    assert is_null(row["referral_date"])
    assert str(row["enrolment_date"])[:10] == "2024-02-01"
    assert row["person_id"] is not None and list(row["nulled_fields"]) == nulled
    assert rejects(gwa_landing, case_id) == [("Remissdatum", reason, "field_nulled")]


def test_unreadable_exit_date_is_recorded_as_nulled(gwa_landing) -> None:
    row = case(gwa_landing, "EXIT")
    assert is_null(row["exit_date"]) and row["exit_reason"] == "Arbete"
    assert list(row["nulled_fields"]) == ["exit_date"]
    assert rejects(gwa_landing, "EXIT") == [("Avslutsdatum", "ogiltigt datum", "field_nulled")]


def test_excel_serial_numbers_in_a_csv_are_dates(gwa_landing) -> None:
    row = case(gwa_landing, "SERIAL")
    dates = [str(row[c])[:10] for c in ("enrolment_date", "assessment_date", "exit_date")]
    assert dates == ["2023-06-30"] * 3
    assert list(row["nulled_fields"]) == [] and rejects(gwa_landing, "SERIAL") == []


def test_excel_date_cells_and_serial_numbers_are_dates(tmp_path: Path) -> None:
    rows = osby_register()
    rows[1][8] = 45107  # Start, a number in a cell formatted "General"
    rows[1][9] = 45107.5  # Slut, with a time of day
    rows[1][13] = 45107.0  # Kartlagd
    rows[2][7] = None  # Remissdatum missing: the protected participant still counts
    write_xlsx(tmp_path / "landing" / "arende" / "register_osby_20240601.xlsx", {"Deltagare": rows})
    con = loaded(tmp_path, ("register",))
    dates = con.execute(
        "SELECT referral_date, enrolment_date, exit_date, assessment_date, nulled_fields "
        "FROM raw.case_enrolments ORDER BY row_number"
    ).fetchall()
    serial = dt.date(2023, 6, 30)
    assert dates[:2] == [
        (dt.date(2024, 1, 8), serial, serial, serial, []),  # Remissdatum is a date cell
        (None, dt.date(2024, 2, 10), None, None, []),
    ]
    assert rejects(con, "osby-2") == [("Remissdatum", "värde saknas", "field_nulled")]


def test_unusable_personnummer_keeps_the_row_in_registers_and_esf(tmp_path: Path) -> None:
    register = osby_register()
    register[1][0] = wrong_check_digit(str(register[1][0]).replace("-", ""))
    write_xlsx(
        tmp_path / "landing" / "arende" / "register_osby_20240601.xlsx", {"Deltagare": register}
    )
    esf = esf_rows()
    esf[1][1] = f"{BAD_BO[2:8]}-{BAD_BO[8:]}"  # wrong check digit
    esf[2][1] = "19601341-2345"  # impossible birth date
    write_csv(tmp_path / "landing" / "scb" / "esf_2019-3010123_20240601.txt", esf)
    con = loaded(tmp_path, ("register", "esf"))
    assert con.execute(
        "SELECT source_kind, rows_loaded, rows_rejected FROM raw.file_registry ORDER BY 1"
    ).fetchall() == [("esf", 3, 0), ("register", 3, 0)]
    assert con.execute(
        "SELECT person_id, is_protected_identity, birth_year, gender, nulled_fields "
        "FROM raw.case_enrolments WHERE row_number = 1"
    ).fetchall() == [(None, False, 2001, "M", ["personnummer"])]
    assert con.execute(
        "SELECT row_number, person_id, is_protected_identity, birth_year, gender, age_at_start, "
        "nulled_fields FROM raw.esf_participants ORDER BY row_number"
    ).fetchall()[:2] == [
        (1, None, False, 1990, "M", 33, ["personnummer"]),
        (2, None, False, None, "K", None, ["personnummer"]),  # kön from the Kon code
    ]
    assert con.execute(
        "SELECT source_kind, row_number, field, reason, action FROM raw.rejects ORDER BY 1, 2"
    ).fetchall() == [
        ("esf", 1, "Personnummer", "ogiltigt personnummer: fel kontrollsiffra", "field_nulled"),
        (
            "esf",
            2,
            "Personnummer",
            "ogiltigt personnummer: omöjligt födelsedatum",
            "field_nulled",
        ),
        ("register", 1, "Pnr", "ogiltigt personnummer: fel kontrollsiffra", "field_nulled"),
    ]
    assert raw_hits(con, BAD_BO) == []
    assert raw_hits(con, wrong_check_digit(PERSONS["dan"])) == []


def test_an_older_raw_table_gets_the_new_columns(tmp_path: Path) -> None:
    """A warehouse from before `nulled_fields`: the next ingest adds the column; its older
    rows hold null there ("not known"), the new rows a list."""
    write_csv(
        tmp_path / "landing" / "arende" / "gwa_hassleholm_20240601.csv",
        [GWA_HEADER, gwa_row("NEW", PERSONS["anna"], Avslutsdatum="2024-13-01")],
    )
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    for table in ("case_enrolments", "esf_participants"):
        old = {name: sql for name, sql in table_columns(table).items() if name != "nulled_fields"}
        body = ", ".join(f'"{name}" {sql}' for name, sql in old.items())
        con.execute(f"CREATE TABLE raw.{table} ({body})")
    con.execute("INSERT INTO raw.case_enrolments (file_id, case_id) VALUES ('old', 'OLD')")
    ingest(con, tmp_path / "landing", KEY, ("gwa",), settle_seconds=0)
    for table in ("case_enrolments", "esf_participants"):
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'raw' AND table_name = ?",
                [table],
            ).fetchall()
        )
        assert types["nulled_fields"] == "VARCHAR[]" and set(types) == set(table_columns(table))
    assert con.execute(
        "SELECT case_id, nulled_fields FROM raw.case_enrolments ORDER BY case_id"
    ).fetchall() == [("NEW", ["exit_date"]), ("OLD", None)]
    ensure_raw_schema(con)  # again, on a table that has every column: nothing changes
    assert con.execute("SELECT count(*) FROM raw.case_enrolments").fetchall() == [(2,)]
