"""Work databases built by the real dbt project from a clean raw layer, to plant defects into.

A defect is planted in raw (then dbt builds the marts and quality models over it) or in a
mart (then only the quality models are rebuilt), so what the suites see is what dbt
decided. The run day is fixed through the dbt var `quality_as_of`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from expectations.run_context import QualityRun, current_run
from pipelines.ingest.schema import ensure_raw_schema
from tests.dbt.conftest import run_dbt

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2026, 11, 23)
VARS = json.dumps({"quality_as_of": AS_OF.isoformat()})
QUALITY = "path:models/quality"

Build = Callable[..., Path]


def load_clean_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The ingest's real raw schema, filled from the SQL fixture."""
    ensure_raw_schema(con)
    con.execute((FIXTURES / "clean_raw.sql").read_text(encoding="utf-8"))


def dbt_quality(work_db: Path, target: Path, selection: str) -> None:
    """Seeds and models of a selection built on the tests' run day, then the quality
    models' own tests (the other layers' tests are tests/dbt's)."""
    untested = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    for command in (["build", "--select", selection, *untested], ["test", "--select", QUALITY]):
        done = run_dbt([*command, "--vars", VARS], work_db, target)
        assert done.returncode == 0, done.stdout[-5000:]


def execute(work_db: Path, statements: list[str]) -> None:
    with duckdb.connect(str(work_db)) as con:
        for statement in statements:
            con.execute(statement)


@pytest.fixture(scope="session")
def quality_target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One dbt target folder for the session, so the project is parsed once."""
    return tmp_path_factory.mktemp("quality_dbt_target")


@pytest.fixture(scope="session")
def clean_build(tmp_path_factory: pytest.TempPathFactory, quality_target: Path) -> Path:
    """The clean raw layer with the marts and quality models dbt builds over it."""
    work_db = tmp_path_factory.mktemp("clean_quality") / "work.duckdb"
    with duckdb.connect(str(work_db)) as con:
        load_clean_tables(con)
    dbt_quality(work_db, quality_target, f"+{QUALITY}")
    return work_db


@pytest.fixture
def build(clean_build: Path, quality_target: Path, tmp_path: Path) -> Build:
    """A work DB at `work_db` (default under tmp_path): the clean build, or one with raw
    defects rebuilt by dbt, with mart defects planted and the quality models rebuilt."""

    def built(raw: list[str] = (), marts: list[str] = (), work_db: Path | None = None) -> Path:
        work_db = work_db or tmp_path / "work.duckdb"
        work_db.parent.mkdir(parents=True, exist_ok=True)
        if raw:
            with duckdb.connect(str(work_db)) as con:
                load_clean_tables(con)
            execute(work_db, list(raw))
            dbt_quality(work_db, quality_target, f"+{QUALITY}")
        else:
            shutil.copyfile(clean_build, work_db)
        if marts:
            execute(work_db, list(marts))
            dbt_quality(work_db, quality_target, QUALITY)
        return work_db

    return built


def quality_run(con: duckdb.DuckDBPyConnection, tolerance: float | None = None) -> QualityRun:
    """The run the quality models were built for, with an SCB tolerance if given."""
    run = current_run(con, Path("/nonexistent/insatser.yml"))
    return QualityRun(run.as_of, run.run_at, tolerance)
