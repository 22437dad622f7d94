"""Personnummer parsing, validation and pseudonymisation in DuckDB SQL, against Python."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import duckdb
import pytest

from pipelines.ingest.personnummer_sql import (
    CORRECTED_PLUS,
    create_text_macros,
    personnummer_select,
    pseudonymous_case_id_sql,
    redact_sql,
    whole_years_sql,
)
from pipelines.ingest.pseudonym import REDACTED, hmac_pads, hmac_sql, redact_text
from tests.ingest.fixtures import forms, samordningsnummer

KEY = b"test-key-not-secret"
EXTRACTED = dt.date(2024, 6, 1)


def derive(values: list[tuple[str | None, str | None]], empty_means_protected: bool = False):
    """The derived columns of each value, in the order given (rows keep their row_number)."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE src (row_number INTEGER, personnummer VARCHAR, protected_identity VARCHAR)"
    )
    con.executemany(
        "INSERT INTO src VALUES (?, ?, ?)", [(n, *value) for n, value in enumerate(values)]
    )
    sql = personnummer_select("src", EXTRACTED, empty_means_protected=empty_means_protected)
    cursor = con.execute(
        f"SELECT person_id, is_protected_identity, is_coordination_number, birth_year, "
        f"pnr_gender, personnummer__problem FROM ({sql}) ORDER BY row_number",
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


def test_every_row_keeps_its_own_derivation_when_identities_repeat() -> None:
    """Derived once per distinct value and joined back: a missing value or flag is an
    identity too, and no row is lost or doubled."""
    pnr = samordningsnummer(dt.date(1985, 3, 4), 12, male=True)
    values = [(pnr, None), (None, None), (pnr, None), (None, "J"), (None, None), (pnr, "J")]
    rows = derive(values)
    expected = hmac.new(KEY, pnr.encode(), hashlib.sha256).hexdigest()
    assert [(row[0], row[1]) for row in rows] == [
        (expected, False),
        (None, False),
        (expected, False),
        (None, True),
        (None, False),
        (None, True),
    ]
    assert [row[5] for row in rows] == [
        None,
        "personnummer saknas",
        None,
        None,
        "personnummer saknas",
        None,
    ]


def test_age_in_whole_years() -> None:
    con = duckdb.connect()
    sql = whole_years_sql("DATE '1985-03-04'", "d")
    ages = con.execute(
        f"SELECT {sql} FROM (VALUES (DATE '2024-03-03'), (DATE '2024-03-04')) t(d)"
    ).fetchall()
    assert ages == [(38,), (39,)]


def _cleaned(sql: str, text: str | None) -> str | None:
    parameters = {"t": text, **(hmac_pads(KEY) if "$ipad" in sql else {})}
    con = duckdb.connect()
    create_text_macros(con)
    return con.execute(f"SELECT {sql}", parameters).fetchall()[0][0]


def test_redaction_of_free_text() -> None:
    pnr = samordningsnummer(dt.date(1985, 3, 4), 12, male=True)
    text = f"Resa deltagare {pnr[2:8]}-{pnr[8:]} och {pnr}"
    redacted = _cleaned(redact_sql("$t", EXTRACTED), text)
    assert redacted == redact_text(text) == f"Resa deltagare {REDACTED} och {REDACTED}"


@pytest.mark.parametrize("lookalikes", [False, True])
def test_every_form_is_redacted_wherever_it_stands(lookalikes: bool) -> None:
    pnr = samordningsnummer(dt.date(1990, 12, 30), 5, male=False)
    spaced = [f"{pnr[2:8]} - {pnr[8:]}", f"{pnr[:8]}\u00a0-\u00a0{pnr[8:]}"]
    for form in [*forms(pnr), *spaced]:
        for text in (form, f"ANLA{form}", f"x;{form},{form}."):
            redacted = _cleaned(redact_sql("$t", EXTRACTED, lookalikes=lookalikes), text)
            assert pnr[8:] not in redacted and REDACTED in redacted, (form, text)


def test_only_valid_numbers_are_redacted_except_in_free_text() -> None:
    pnr = samordningsnummer(dt.date(1985, 3, 4), 12, male=True)
    wrong_check = f"{pnr[:11]}{(int(pnr[11]) + 1) % 10}"
    keep = [
        "Hyra 198513641234",  # month 13: no birth date
        f"Konto {pnr}9",  # a longer number is not a personnummer
        f"OCR 1{pnr[2:]}",
        "Belopp 12 500,50 2024-01-10",
        None,
    ]
    for text in keep:
        for lookalikes in (False, True):
            assert _cleaned(redact_sql("$t", EXTRACTED, lookalikes=lookalikes), text) == text
    assert _cleaned(redact_sql("$t", EXTRACTED), wrong_check) == wrong_check
    assert _cleaned(redact_sql("$t", EXTRACTED, lookalikes=True), wrong_check) == REDACTED


def test_case_id_personnummer_becomes_a_stable_pseudonym() -> None:
    pnr = samordningsnummer(dt.date(1985, 3, 4), 12, male=True)
    expected = "pn-" + hmac.new(KEY, pnr.encode(), hashlib.sha256).hexdigest()[:16]
    sql = pseudonymous_case_id_sql("$t", EXTRACTED)
    assert {_cleaned(sql, form) for form in [*forms(pnr)[:4], f"{pnr[2:8]} - {pnr[8:]}"]} == {
        expected
    }
    assert _cleaned(sql, f"GWA-{pnr}-2") == f"GWA-{expected}-2"
    assert _cleaned(sql, "H-1") == "H-1"


def _plus_rows(values: list[str]) -> list[tuple]:
    con = duckdb.connect()
    con.execute("CREATE TABLE src (personnummer VARCHAR, protected_identity VARCHAR)")
    con.executemany("INSERT INTO src VALUES (?, 'N')", [(value,) for value in values])
    sql = personnummer_select("src", EXTRACTED, empty_means_protected=False)
    return con.execute(
        f"SELECT person_id, birth_year, personnummer__corrected FROM ({sql})", hmac_pads(KEY)
    ).fetchall()


@pytest.mark.parametrize(
    ("born", "read_as", "corrected"),
    [
        (dt.date(1918, 6, 2), 1918, False),  # 105 on 2024-06-01: the `+` is believed
        (dt.date(1918, 6, 1), 2018, True),  # 106: the `+` is a mistyped `-`
        (dt.date(2004, 5, 17), 2004, True),  # a 20-year-old
    ],
)
def test_plus_older_than_105_is_read_as_minus(born: dt.date, read_as: int, corrected) -> None:
    pnr = samordningsnummer(born, 7, male=True)
    person_id, birth_year, reason = _plus_rows([f"{pnr[2:8]}+{pnr[8:]}"])[0]
    assert birth_year == read_as
    normalised = f"{read_as}{pnr[4:]}"  # the pseudonym of the form that was meant
    assert person_id == hmac.new(KEY, normalised.encode(), hashlib.sha256).hexdigest()
    assert reason == (CORRECTED_PLUS if corrected else None)


def test_plus_read_as_minus_gives_the_same_case_id_and_is_redacted() -> None:
    pnr = samordningsnummer(dt.date(2004, 5, 17), 41, male=False)
    plus, minus = f"{pnr[2:8]}+{pnr[8:]}", f"{pnr[:8]}-{pnr[8:]}"
    sql = pseudonymous_case_id_sql("$t", EXTRACTED)
    assert _cleaned(sql, f"A-{plus}") == _cleaned(sql, f"A-{minus}") != f"A-{minus}"
    assert _cleaned(redact_sql("$t", EXTRACTED), f"Not {plus}") == f"Not {REDACTED}"


@pytest.mark.parametrize(
    ("value", "birth"),
    [
        ("check", (1985, "M")),  # only the check digit wrong: birth and kön still read
        ("19851364-1234", (None, None)),  # impossible birth date
        ("20250101-1234", (None, None)),  # born after the extraction date
        ("1985-03-64-12", (None, None)),  # unknown form
        ("", (None, None)),
    ],
)
def test_unusable_personnummer_is_unlinkable_but_not_protected(
    value: str, birth: tuple[int | None, str | None]
) -> None:
    valid = samordningsnummer(dt.date(1985, 3, 4), 12, male=True)
    if value == "check":
        value = f"{valid[:11]}{(int(valid[11]) + 1) % 10}"
    person_id, protected, _, birth_year, gender, problem = derive([(value, "N")])[0]
    assert (person_id, protected, birth_year, gender) == (None, False, *birth)
    assert problem is not None
