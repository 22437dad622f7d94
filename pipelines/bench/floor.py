"""The floor: the pipeline's own ingest and dbt's compiled SQL in one DuckDB process.

Nothing here is a second implementation. Ingest is the code the ingest assets call
(`pipelines.ingest`), without Dagster; the models are dbt's own compiled SQL (the
`compiled_code` of a `dbt compile` made once per benchmark by `pipelines.bench.compiled`),
run as `create table ... as` in dependency order after the seeds are read from their CSV
files. What the floor leaves out is what the ratio prices: Dagster, the dbt process with
its parse and its tests, the snapshot, the quality suites and publication.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from pipelines.ingest.engine import ingest
from pipelines.ingest.insats_config import read_config, replace_config_tables
from pipelines.ingest.landing import FILE_PATTERNS, LANDING_FOLDERS
from pipelines.ingest.limits import load_limits
from pipelines.ingest.schema import ensure_raw_schema
from pipelines.settings import Settings, duckdb_connection_config, load_settings

# The compiled SQL names relations "<database>"."<schema>"."<table>", the database being
# the file name dbt compiled against: the floor's file carries the same name.
DATABASE = "warehouse_work"
BUILT_TYPES = ("seed", "model")


@dataclass(frozen=True)
class Node:
    """One table dbt builds: a seed read from its CSV file, or a model's compiled select."""

    unique_id: str
    relation: str  # "<database>"."<schema>"."<table>"
    schema: str
    name: str
    select: str

    def statements(self) -> list[str]:
        """The DDL creating the table: the compiled select, wrapped as dbt's table does."""
        database = self.relation.split(".")[0]
        return [
            f'create schema if not exists {database}."{self.schema}"',
            f"create or replace table {self.relation} as (\n{self.select}\n)",
        ]


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def seed_select(node: dict) -> str:
    """A seed's rows as dbt loads them: the CSV with the seed's declared column types."""
    path = Path(node["root_path"]) / node["original_file_path"]
    types = ", ".join(
        f"{_sql_literal(column)}: {_sql_literal(kind)}"
        for column, kind in node["config"].get("column_types", {}).items()
    )
    return f"select * from read_csv({_sql_literal(str(path))}, header = true, types = {{{types}}})"


def build_plan(manifest: dict) -> list[Node]:
    """Every seed and model of the compiled manifest, each after the nodes it reads."""
    nodes = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in BUILT_TYPES
    }
    graph = {
        unique_id: [dep for dep in node.get("depends_on", {}).get("nodes", []) if dep in nodes]
        for unique_id, node in nodes.items()
    }
    order = TopologicalSorter(graph).static_order()
    # An ephemeral model is no table: dbt inlines it into the models reading it.
    return [_node(nodes[unique_id]) for unique_id in order if not _is_ephemeral(nodes[unique_id])]


def _is_ephemeral(node: dict) -> bool:
    return node.get("config", {}).get("materialized") == "ephemeral"


def _node(node: dict) -> Node:
    if node["resource_type"] == "seed":
        select = seed_select(node)
    elif node.get("compiled_code") is None:
        raise ValueError(f"{node['unique_id']} has no compiled SQL: compile with `dbt compile`")
    else:
        select = node["compiled_code"]
    return Node(node["unique_id"], node["relation_name"], node["schema"], node["alias"], select)


def ingest_landing(con: duckdb.DuckDBPyConnection, landing: Path, settings: Settings) -> None:
    """What the ingest assets do, in one call: the insats configuration, then every kind."""
    ensure_raw_schema(con)
    replace_config_tables(con, read_config(settings.config))
    kinds = tuple(FILE_PATTERNS)
    limits = load_limits(settings.config)
    key = settings.pseudonym_key()
    ingest(con, landing, key, kinds, tuple(LANDING_FOLDERS), limits, settings.settle_seconds)


def build_models(con: duckdb.DuckDBPyConnection, plan: list[Node]) -> None:
    """Every seed and model as a table, in dependency order."""
    for node in plan:
        for statement in node.statements():
            con.execute(statement)


def run_floor(landing: Path, db: Path, manifest: Path) -> dict[str, float]:
    """Ingest `landing` into `db` and build every model there; seconds per stage."""
    if db.stem != DATABASE:
        raise ValueError(f"the floor database must be named {DATABASE}.duckdb, not {db.name}")
    plan = build_plan(json.loads(manifest.read_text(encoding="utf-8")))
    db.parent.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    with duckdb.connect(str(db), config=duckdb_connection_config()) as con:
        start = time.perf_counter()
        ingest_landing(con, landing, load_settings())
        seconds["ingest"] = time.perf_counter() - start
        start = time.perf_counter()
        build_models(con, plan)
        seconds["models"] = time.perf_counter() - start
    return seconds


def table_rows(db: Path) -> dict[str, int]:
    """Estimated rows per table name, for the report."""
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(
            con.execute("select table_name, estimated_size from duckdb_tables()").fetchall()
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument(
        "--manifest", type=Path, required=True, help="from pipelines.bench.compiled"
    )
    parser.add_argument("--timings", type=Path, required=True)
    args = parser.parse_args(argv)
    seconds = run_floor(args.landing, args.db, args.manifest)
    timings = {"stages": seconds, "rows": table_rows(args.db)}
    args.timings.write_text(json.dumps(timings, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
