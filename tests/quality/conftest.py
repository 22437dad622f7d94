"""A work database holding clean raw rows and marts, to plant one defect at a time into."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from expectations.run_context import QualityRun
from pipelines.ingest.schema import ensure_raw_schema

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2026, 11, 23)


def load_clean_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The ingest's real raw schema, filled from the SQL fixtures, plus stand-in marts."""
    ensure_raw_schema(con)
    for fixture in ("clean_raw.sql", "clean_marts.sql"):
        con.execute((FIXTURES / fixture).read_text(encoding="utf-8"))


@pytest.fixture
def quality_run() -> QualityRun:
    return QualityRun(as_of=AS_OF, run_at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


@pytest.fixture
def clean_db(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(tmp_path / "work.duckdb"))
    load_clean_tables(con)
    yield con
    con.close()
