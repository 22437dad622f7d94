"""Typing of delivered text values, encodings, and the declared mappings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from pipelines.ingest.landing import classify
from pipelines.ingest.mappings import load_mapping, load_register_mapping
from pipelines.ingest.readers import _cell_text, decode
from pipelines.ingest.unreadable import UnreadableFileError
from pipelines.ingest.values_sql import Field, typed_value_sql


def typed(value: str, sql_type: str):
    con = duckdb.connect()
    return con.execute(f"SELECT {typed_value_sql('$v', sql_type)}", {"v": value}).fetchall()[0][0]


@pytest.mark.parametrize("value", ["2024-02-29", "20240229", "240229", "2024-02-29 00:00:00"])
def test_every_date_form(value: str) -> None:
    assert typed(value, "DATE") == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    "cell",
    [
        45107,  # an Excel serial number in a cell formatted "General"
        45107.0,
        45107.5,  # with a time of day
        dt.datetime(2023, 6, 30),  # a date cell, as calamine returns it
        dt.datetime(2023, 6, 30, 14, 30),
        dt.date(2023, 6, 30),
        "45107",  # the same serials as a CSV export writes them
        "45107,5",
        " 45107.25 ",
    ],
)
def test_excel_dates_and_serial_numbers(cell: object) -> None:
    text = _cell_text(cell) if not isinstance(cell, str) else cell
    assert typed(text, "DATE") == dt.date(2023, 6, 30)


@pytest.mark.parametrize(
    "value", ["2023-02-29", "20241301", "2402", "29/02/2024", "x", "19999", "80001", "4510.5"]
)
def test_impossible_dates_are_null(value: str) -> None:
    assert typed(value, "DATE") is None


def test_a_serial_number_is_a_date_only_in_a_date_column() -> None:
    assert (typed("45107", "INTEGER"), typed("45107", "VARCHAR")) == (45107, "45107")


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("-1234,5", "-1234.50"),
        ("12\u202f000", "12000.00"),
        ("7", "7.00"),
    ],
)
def test_swedish_amounts(value: str, amount: str) -> None:
    assert typed(value, "DECIMAL(18,2)") == Decimal(amount)


def problems(field: Field, values: list[str]) -> list[str | None]:
    con = duckdb.connect()
    parsed = ", ".join(field.parse_sql())
    sql = f"SELECT {field.problem_sql()} FROM (SELECT {parsed} FROM (SELECT $v AS {field.name}))"
    return [con.execute(sql, {"v": value}).fetchall()[0][0] for value in values]


def test_unparseable_numbers_and_negatives_are_problems() -> None:
    field = Field("v", "Belopp", "DECIMAL(18,2)")
    found = problems(field, ["12,5", "tolv", "-3", ""])
    assert found == [None, "ogiltigt belopp", "negativt värde", None]
    assert problems(Field("v", "Remissdatum", "DATE", required=True), [""]) == ["värde saknas"]
    assert typed("25 %", "INTEGER") == 25 and typed("2,5", "INTEGER") is None


def test_decode_both_encodings_and_reject_lies() -> None:
    text = "Försörjning;Åsa\n"
    assert decode(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode(text.encode("cp1252")) == text
    assert decode(text.encode()) == text
    with pytest.raises(UnreadableFileError, match="UTF-8"):
        decode(b"\xef\xbb\xbf" + text.encode("cp1252"))
    with pytest.raises(UnreadableFileError, match="binära"):
        decode(b"PK\x03\x04\x00\x00")


def test_file_names_classify(tmp_path) -> None:
    assert classify(tmp_path / "arende" / "gwa_Avesta_20240601.csv") == (
        "gwa",
        "avesta",
        dt.date(2024, 6, 1),
    )
    assert classify(tmp_path / "ekonomi" / "budget_2024.xlsx")[1:] == ("2024", dt.date(2024, 1, 1))
    with pytest.raises(UnreadableFileError, match="filnamnsmönster"):
        classify(tmp_path / "scb" / "gwa_avesta_20240601.csv")
    with pytest.raises(UnreadableFileError, match="giltigt datum"):
        classify(tmp_path / "scb" / "esf_2012-3010123_20241399.txt")


def test_headings_match_case_and_space_insensitively() -> None:
    resolved = load_mapping("gwa").resolve(
        ["  ärendeid", "PERSONNUMMER ", "Skyddad  Identitet", "insats", "Remissdatum"]
    )
    assert resolved["protected_identity"] == "Skyddad  Identitet"
    with pytest.raises(UnreadableFileError, match="Remissdatum"):
        load_mapping("gwa").resolve(["ÄrendeID", "Personnummer", "Skyddad identitet", "Insats"])


def test_every_register_mapping_uses_known_columns_and_code_lists() -> None:
    from pipelines.ingest.mappings import REGISTERS_DIR
    from pipelines.ingest.schema import CASE_ENROLMENT_COLUMNS

    code_lists = set(load_mapping("gwa").code_lists.values())
    registers = sorted(path.stem for path in REGISTERS_DIR.glob("*.yml"))
    assert len(registers) >= 2
    for organisation in registers:
        mapping = load_register_mapping(organisation)
        assert set(mapping.columns) - {"personnummer", "protected_identity"} <= set(
            CASE_ENROLMENT_COLUMNS
        )
        assert set(mapping.codes) <= code_lists
