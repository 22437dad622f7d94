"""dbt fixtures: parse once per session, then build small raw layers in their own files."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from pipelines.defs.dbt.project import DBT_EXECUTABLE, DBT_PROJECT_DIR
from pipelines.ingest.schema import ensure_raw_schema

FIXTURES = Path(__file__).parent / "fixtures"


def run_dbt(args: list[str], work_db: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """Run the real dbt CLI on `work_db`, writing artifacts to `target` (not the tree)."""
    env = {
        **os.environ,
        "FINSAM_WORK_DB": str(work_db),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    return subprocess.run(
        [str(DBT_EXECUTABLE), *args, "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def run_results(target: Path) -> list[dict]:
    """The results of the last dbt command that wrote to `target`."""
    return json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]


def create_raw_layer(work_db: Path, *fixture_files: str) -> None:
    """The ingest's raw tables, filled from SQL fixtures."""
    work_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(work_db)) as con:
        ensure_raw_schema(con)
        for name in fixture_files:
            con.execute((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def edge_case_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's edge-case work DB lives."""
    return tmp_path_factory.mktemp("edge_cases") / "warehouse_work.duckdb"


@pytest.fixture(scope="session")
def dbt_target(tmp_path_factory: pytest.TempPathFactory, edge_case_db: Path) -> Path:
    """The session's dbt target folder (dbt deps only if packages are declared).

    No parse: `finsam-dbt` starts every command from the prepared manifest.
    """
    target = tmp_path_factory.mktemp("dbt_target")
    if (DBT_PROJECT_DIR / "packages.yml").exists():
        assert run_dbt(["deps"], edge_case_db, target).returncode == 0
    return target


@pytest.fixture(scope="session")
def edge_case_warehouse(edge_case_db: Path, dbt_target: Path) -> Path:
    """The work DB built by `dbt build` from the edge-case raw layer (built once)."""
    create_raw_layer(edge_case_db, "edge_cases.sql")
    built = run_dbt(["build"], edge_case_db, dbt_target)
    assert built.returncode == 0, built.stdout[-5000:]
    return edge_case_db


@pytest.fixture
def query(edge_case_warehouse: Path) -> Callable[..., list[tuple]]:
    """Rows of a read-only query against the built edge-case warehouse."""

    def rows(sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(edge_case_warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    return rows
