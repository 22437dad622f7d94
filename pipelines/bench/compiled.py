"""dbt's compiled SQL for the floor, prepared once per benchmark (not per run).

Apart from `pipelines.bench.floor` so the floor's own process never imports Dagster.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb

from pipelines.bench.floor import DATABASE, Node, build_models, build_plan
from pipelines.defs.dbt.project import DBT_EXECUTABLE, DBT_PROJECT_DIR
from pipelines.ingest.schema import ensure_raw_schema


def dbt_environment(work_db: Path, target: Path) -> dict[str, str]:
    """Variables pointing a dbt command at `work_db`, with its artifacts and log in `target`."""
    return {
        "FINSAM_WORK_DB": str(work_db.resolve()),
        "DBT_TARGET_PATH": str(target.resolve()),
        "DBT_LOG_PATH": str(target.resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def dbt_command(*arguments: str) -> list[str]:
    """The project's dbt with `arguments`, to run in DBT_PROJECT_DIR."""
    return [str(DBT_EXECUTABLE), *arguments, "--profiles-dir", str(DBT_PROJECT_DIR)]


def _dbt_compile(folder: Path) -> Path:
    """`dbt compile` into `folder/target`, against `folder/<DATABASE>.duckdb`."""
    target = (folder / "target").resolve()
    environment = os.environ | dbt_environment(folder / f"{DATABASE}.duckdb", target)
    done = subprocess.run(
        dbt_command("compile", "--quiet"),
        cwd=DBT_PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"dbt compile failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return target / "manifest.json"


def _plan(manifest: Path) -> list[Node]:
    return build_plan(json.loads(manifest.read_text(encoding="utf-8")))


def compile_project(folder: Path) -> Path:
    """dbt's compiled manifest for the floor, in `folder`; returns the manifest's path.

    The SQL depends on the project and the tables' columns, not on their rows, so it is
    compiled once against empty tables. A model may ask the database while it compiles
    (`quality_validity` reads the columns of `int_case_rows_mapped`), so the first
    compilation's nodes are built empty and the project compiled again over them. (Its
    SQL cannot be compared for a fixed point: `quality_run` embeds `run_started_at`.) An
    incremental model compiles as its first build.
    """
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / f"{DATABASE}.duckdb"
    # Empty tables only: a table kept from an earlier benchmark would make an incremental
    # model compile as a later build (int_exits_followed_up's then reads its pre-hook's table).
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        ensure_raw_schema(con)
    first_manifest = _dbt_compile(folder)
    with duckdb.connect(str(database)) as con:
        build_models(con, _plan(first_manifest))
        for relation in _incremental_relations(first_manifest):
            con.execute(f"drop table {relation}")
    return _dbt_compile(folder)


def _incremental_relations(manifest: Path) -> list[str]:
    """The incremental models' tables: dropped before the second compilation, so they
    compile as their first build, the one the floor (a build from scratch) makes."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return [
        node["relation_name"]
        for node in nodes
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    ]
