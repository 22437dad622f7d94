"""`finsam-dbt` starts from the prepared manifest, and parses only when reuse would be wrong."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

import duckdb

from pipelines.defs.dbt.project import DBT_EXECUTABLE
from tests.dbt.conftest import create_raw_layer, run_dbt

PARSED = ("Unable to do partial parsing", "Starting full parse")
MODEL = "stg_raw__population"


def _build(work_db: Path, target: Path) -> str:
    create_raw_layer(work_db, "edge_cases.sql")
    built = run_dbt(["build", "--select", MODEL], work_db, target)
    assert built.returncode == 0, built.stdout[-3000:]
    with duckdb.connect(str(work_db), read_only=True) as con:
        assert con.execute(f"select count(*) from staging.{MODEL}").fetchone()[0] > 0
    return built.stdout


def test_a_build_in_a_new_place_does_not_parse(tmp_path: Path) -> None:
    # A new target folder and work-DB path: plain dbt would parse the whole project here.
    output = _build(tmp_path / "work" / "warehouse_work.duckdb", tmp_path / "target")
    assert not [marker for marker in PARSED if marker in output]


def test_a_work_database_of_another_name_is_parsed_for(tmp_path: Path) -> None:
    # The prepared manifest names the catalog `warehouse_work`; relations in `elsewhere`
    # need dbt's own parse, and get it.
    output = _build(tmp_path / "elsewhere.duckdb", tmp_path / "target")
    assert [marker for marker in PARSED if marker in output]


def test_the_version_is_dbt_cores() -> None:
    answer = subprocess.run(
        [str(DBT_EXECUTABLE), "--version"], capture_output=True, text=True, check=True
    )
    assert metadata.version("dbt-core") in answer.stdout
