"""The floor script computes what ingest computes: the same pseudonyms, the same numbers."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipelines.bench.floor import SCRIPT, stages
from pipelines.ingest.pseudonym import hmac_pads, hmac_sql
from pipelines.personnummer import Form, compose, format_as, normalise

KEY = b"test-key-not-secret"
REFERENCE = date(2025, 6, 30)


@pytest.fixture
def floor_macros() -> duckdb.DuckDBPyConnection:
    """A connection with the floor's macros (the head of its ingest stage) defined."""
    con = duckdb.connect()
    for name, pad in hmac_pads(KEY).items():
        con.execute(f"set variable {name} = ?::blob", [pad])
    ingest = dict(stages(SCRIPT.read_text(encoding="utf-8")))["ingest"]
    macros = ingest[: ingest.index("create or replace table")]
    con.execute(macros)
    return con


def test_script_has_ingest_then_marts() -> None:
    assert [name for name, _ in stages(SCRIPT.read_text(encoding="utf-8"))] == [
        "ingest",
        "marts",
    ]


def test_floor_pseudonym_is_ingests(floor_macros: duckdb.DuckDBPyConnection) -> None:
    number = compose(date(1985, 3, 14), 123)
    floor = floor_macros.execute("select hmac_hex(?)", [number]).fetchone()[0]
    ingest = floor_macros.execute(
        f"select {hmac_sql('$number')}", {"number": number, **hmac_pads(KEY)}
    ).fetchone()[0]
    assert floor == ingest
    assert len(floor) == 64


@pytest.mark.parametrize(
    "written",
    [
        format_as(compose(date(1985, 3, 14), 123), Form.LONG_WITH_DASH),
        format_as(compose(date(1985, 3, 14), 123), Form.SHORT_WITH_DASH),
        format_as(compose(date(2001, 12, 1), 456), Form.LONG_DIGITS),
        format_as(compose(date(1920, 1, 5), 789), Form.SHORT_WITH_PLUS),
        format_as(compose(date(1985, 3, 14), 123), Form.SHORT_WITH_PLUS),
        "19850374-1230",
        "850314-12",
        "",
    ],
)
def test_floor_personnummer_rules_match_reference(
    floor_macros: duckdb.DuckDBPyConnection, written: str
) -> None:
    floor = floor_macros.execute(
        "select twelve_digits(personnummer_parts(?), ?)", [written, REFERENCE]
    ).fetchone()[0]
    assert floor == normalise(written, REFERENCE)
