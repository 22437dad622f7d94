"""Personnummer parsing, validation and pseudonymisation in DuckDB SQL, against Python."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import duckdb
import pytest

from pipelines.ingest.personnummer_sql import personnummer_select, whole_years_sql
from pipelines.ingest.pseudonym import hmac_pads, hmac_sql, redact_sql, redact_text
from tests.ingest.fixtures import samordningsnummer

KEY = b"test-key-not-secret"
EXTRACTED = dt.date(2024, 6, 1)


def derive(values: list[tuple[str | None, str | None]], empty_means_protected: bool = False):
    con = duckdb.connect()
    con.execute("CREATE TABLE src (personnummer VARCHAR, protected_identity VARCHAR)")
    con.executemany("INSERT INTO src VALUES (?, ?)", values)
    sql = personnummer_select("src", EXTRACTED, empty_means_protected=empty_means_protected)
    cursor = con.execute(
        f"SELECT person_id, is_protected_identity, is_coordination_number, birth_year, "
        f"pnr_gender, personnummer__problem FROM ({sql})",
        hmac_pads(KEY),
    )
    return cursor.fetchall()


@pytest.mark.parametrize("key", [b"k", b"x" * 64, b"long" * 40])
def test_sql_hmac_equals_python_hmac(key: bytes) -> None:
    con = duckdb.connect()
    message = "198503641239"
    sql_digest = con.execute(
        f"SELECT {hmac_sql('$message')}", {**hmac_pads(key), "message": message}
    ).fetchall()[0][0]
    assert sql_digest == hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_every_form_gives_the_same_pseudonym() -> None:
    pnr = samordningsnummer(dt.date(1985, 3, 4), 12, male=True)
    forms = [pnr, f"{pnr[:8]}-{pnr[8:]}", pnr[2:], f"{pnr[2:8]}-{pnr[8:]}"]
    rows = derive([(form, "N") for form in forms])
    expected = hmac.new(KEY, pnr.encode(), hashlib.sha256).hexdigest()
    assert {row[0] for row in rows} == {expected}
    assert rows[0][1:] == (False, True, 1985, "M", None)


def test_century_of_short_forms() -> None:
    young = samordningsnummer(dt.date(2010, 5, 6), 3, male=False)
    old = samordningsnummer(dt.date(1920, 5, 6), 3, male=False)
    rows = derive([(young[2:], None), (f"{old[2:8]}+{old[8:]}", None), (old[2:], None)])
    assert [row[3] for row in rows] == [2010, 1920, 2020]  # without + the latest century
    assert rows[0][4] == "K"


def test_century_is_never_after_the_extraction_date() -> None:
    later_this_year = samordningsnummer(dt.date(1924, 12, 24), 1, male=True)
    assert derive([(later_this_year[2:], None)])[0][3] == 1924


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("19850364-1230", "ogiltigt personnummer: fel kontrollsiffra"),
        ("19851364-1234", "ogiltigt personnummer: omöjligt födelsedatum"),
        ("1985-03-64-12", "ogiltigt personnummer: okänt format"),
        ("", "personnummer saknas"),
        (None, "personnummer saknas"),
    ],
)
def test_invalid_personnummer_are_named(value: str | None, problem: str) -> None:
    valid = samordningsnummer(dt.date(1985, 3, 4), 12, male=True)
    if value == "19850364-1230":
        value = f"{valid[:8]}-{valid[8:11]}{(int(valid[11]) + 1) % 10}"
    person_id, *_, found = derive([(value, "N")])[0]
    assert person_id is None
    assert found == problem


def test_protected_identity_is_never_linked() -> None:
    pnr = samordningsnummer(dt.date(1985, 3, 4), 12, male=True)
    rows = derive([(pnr, "J"), ("", "J"), ("", None)], empty_means_protected=True)
    assert rows == [(None, True, None, None, None, None)] * 3


def test_age_in_whole_years() -> None:
    con = duckdb.connect()
    sql = whole_years_sql("DATE '1985-03-04'", "d")
    ages = con.execute(
        f"SELECT {sql} FROM (VALUES (DATE '2024-03-03'), (DATE '2024-03-04')) t(d)"
    ).fetchall()
    assert ages == [(38,), (39,)]


def test_redaction_of_free_text() -> None:
    pnr = samordningsnummer(dt.date(1985, 3, 4), 12, male=True)
    text = f"Resa deltagare {pnr[2:8]}-{pnr[8:]} och {pnr}"
    redacted = duckdb.connect().execute(f"SELECT {redact_sql('$t')}", {"t": text}).fetchall()
    assert redacted[0][0] == redact_text(text)
    assert pnr[8:] not in redacted[0][0] and "Resa deltagare" in redacted[0][0]
