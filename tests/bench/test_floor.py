"""The floor is the pipeline without orchestration: the same tables with the same rows.

Built from dbt's compiled SQL over the ingest's own raw layer, on the shared demo landing,
and compared table by table with what the real nightly run (Dagster, `dbt build`) built.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.bench.compiled import compile_project
from pipelines.bench.floor import DATABASE, build_plan, run_floor
from tests.conftest import DemoRun, point_environment


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """dbt's compiled manifest, made once for the module as the benchmark makes it once, in
    a folder an earlier benchmark left its tables in (the benchmark's cache): an incremental
    model must still compile as its first build."""
    folder = tmp_path_factory.mktemp("floor_dbt")
    with duckdb.connect(str(folder / f"{DATABASE}.duckdb")) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_exits_followed_up (person_key varchar)")
    manifest = compile_project(folder)
    return json.loads(manifest.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def floor_db(demo_run: DemoRun, compiled: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The floor run on the demo landing, with the demo run's key and configuration."""
    root = tmp_path_factory.mktemp("floor")
    manifest = root / "manifest.json"
    manifest.write_text(json.dumps(compiled), encoding="utf-8")
    db = root / f"{DATABASE}.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        point_environment(demo_run.settings.landing.parent, patch.setenv)
        seconds = run_floor(demo_run.settings.landing, db, manifest)
    assert set(seconds) == {"ingest", "models"}
    return db


def test_the_plan_builds_every_seed_and_model_after_what_it_reads(compiled: dict) -> None:
    plan = build_plan(compiled)
    built = {node.unique_id for node in plan}
    expected = {
        unique_id
        for unique_id, node in compiled["nodes"].items()
        if node["resource_type"] in ("seed", "model")
        and node["config"].get("materialized") != "ephemeral"  # inlined, not a table
    }
    assert built == expected
    position = {node.unique_id: index for index, node in enumerate(plan)}
    for node in plan:
        for dependency in compiled["nodes"][node.unique_id].get("depends_on", {}).get("nodes", []):
            if dependency in position:
                assert position[dependency] < position[node.unique_id]


def _difference(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows in one build but not the other (as multisets), clock columns aside.

    Timestamps (`loaded_at`, `logged_at`, the run clock `run_at`) say when each build ran,
    `run_id` (the delivery log's) by which run.
    """
    schema, name = table.split(".")
    clocks = [
        f'"{column}"'
        for (column,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'floor_build' "
            "and schema_name = ? and table_name = ? "
            "and (data_type like 'TIMESTAMP%' or column_name = 'run_id')",
            [schema, name],
        ).fetchall()
    ]
    columns = f"* exclude ({', '.join(clocks)})" if clocks else "*"
    floor = f"select {columns} from floor_build.{table}"
    pipeline = f"select {columns} from pipeline_build.{table}"
    return con.execute(
        f"select (select count(*) from ({floor} except all {pipeline}))"
        f" + (select count(*) from ({pipeline} except all {floor}))"
    ).fetchone()[0]


def test_the_floor_builds_what_the_pipeline_builds(
    demo_run: DemoRun, compiled: dict, floor_db: Path
) -> None:
    tables = [f"{node.schema}.{node.name}" for node in build_plan(compiled)]
    with duckdb.connect() as con:
        con.execute(f"attach '{floor_db}' as floor_build (read_only)")
        con.execute(f"attach '{demo_run.settings.work_db}' as pipeline_build (read_only)")
        different = {table: _difference(con, table) for table in tables}
        rows = con.execute("select count(*) from floor_build.marts.period_flows").fetchone()[0]
    assert {table: count for table, count in different.items() if count} == {}
    assert rows > 0
