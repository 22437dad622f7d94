"""What tonight's `dbt build` must rebuild: the models whose inputs changed since the last build.

Every source table the models read gets a fingerprint of its content (row count and an
order-free sum of row hashes, in DuckDB). A model is rebuilt when a source it reads changed,
when a model it reads is rebuilt, or when it reads the clock (`quality_run` and all after
it); everything else is left as the last build made it, which is what a full build would
make again from the same inputs. A changed dbt project, a missing record or a work database
the record does not describe means a full build.

The file registry is the one source every staging model reads beside its own raw table (to
keep the current files' rows): its rows count towards the fingerprint of each raw table
whose files they describe, so a new case-system snapshot does not rebuild the ledger's
models. That holds for the models that read it through `current_file_rows`; any other
model reading the registry (the deliveries mart, say) depends on all of it.

The record (`meta.dbt_build_state`) is written after a build succeeds, so a build killed or
failed midway is followed by one that rebuilds at least as much.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

STATE_TABLE = "meta.dbt_build_state"
REGISTRY = "raw.file_registry"
CURRENT_ROWS_MACRO = "macro.finsam.current_file_rows"
PROJECT_KEY = "dbt project"
# Models that read the clock: rebuilt every time, as is everything built from them.
CLOCK_MODELS = ("quality_run",)
BUILT_TYPES = ("model", "snapshot", "seed")


@dataclass(frozen=True)
class BuildSelection:
    """The nodes to leave out of the build (dbt names, parents first), and why the rest is
    built. A full build (no usable record) rebuilds the incremental models from scratch too."""

    excluded: tuple[str, ...]
    reason: str
    is_full: bool = False


def _source_relations(manifest: Mapping[str, Any]) -> dict[str, str]:
    """Source unique_id -> `schema.table`, for the sources some model reads."""
    read = {parent for node in manifest["nodes"].values() for parent in _parents(node)}
    return {
        uid: f"{source['schema']}.{source['name']}"
        for uid, source in manifest["sources"].items()
        if uid in read
    }


def _parents(node: Mapping[str, Any]) -> list[str]:
    return node.get("depends_on", {}).get("nodes", [])


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    """The table's column names; none when it does not exist (yet)."""
    schema, table = relation.split(".")
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return {name for (name,) in rows}


def _fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """Row count and sum of row hashes of a table, with the registry rows of its files."""
    columns = _columns(con, relation)
    if not columns:
        return "missing"
    rows = con.execute(
        f"select count(*), coalesce(sum(hash(t)), 0) from {relation} as t"
    ).fetchone()
    if relation == REGISTRY or "file_id" not in columns:
        return f"{rows[0]}:{rows[1]}"
    registry = con.execute(
        f"select count(*), coalesce(sum(hash(r)), 0) from {REGISTRY} as r "
        f"where r.file_id in (select distinct file_id from {relation})"
    ).fetchone()
    return f"{rows[0]}:{rows[1]}|{registry[0]}:{registry[1]}"


def input_fingerprints(
    con: duckdb.DuckDBPyConnection, manifest: Mapping[str, Any], project: str
) -> dict[str, str]:
    """The fingerprint of every source table a model reads, and of the dbt project."""
    fingerprints = {PROJECT_KEY: project}
    for relation in sorted(set(_source_relations(manifest).values())):
        fingerprints[relation] = _fingerprint(con, relation)
    return fingerprints


def recorded_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The fingerprints the last successful build recorded (empty when none did)."""
    if not _columns(con, STATE_TABLE):
        return {}
    return dict(con.execute(f"select input, fingerprint from {STATE_TABLE}").fetchall())


def record_fingerprints(con: duckdb.DuckDBPyConnection, fingerprints: Mapping[str, str]) -> None:
    """Replace the record with the inputs of the build that just succeeded."""
    con.execute("create schema if not exists meta")
    con.execute(
        f"create or replace table {STATE_TABLE} (input varchar primary key, fingerprint varchar)"
    )
    con.executemany(f"insert into {STATE_TABLE} values (?, ?)", list(fingerprints.items()))
    con.execute(
        f"comment on table {STATE_TABLE} is 'Vad senaste lyckade dbt-bygget byggdes av: "
        "ett fingeravtryck per källtabell (antal rader och summan av radernas hash) och av "
        "dbt-projektet. Nästa körning bygger bara om modeller vars indata ändrats.'"
    )
    con.execute(
        f"comment on column {STATE_TABLE}.input is 'Källtabell (schema.tabell) eller dbt project.'"
    )
    con.execute(f"comment on column {STATE_TABLE}.fingerprint is 'Fingeravtrycket vid bygget.'")


def _children(manifest: Mapping[str, Any]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for uid, node in manifest["nodes"].items():
        for parent in _parents(node):
            children.setdefault(parent, []).append(uid)
    return children


def _downstream(manifest: Mapping[str, Any], starts: Iterable[str]) -> set[str]:
    children = _children(manifest)
    seen: set[str] = set()
    pending = list(starts)
    while pending:
        uid = pending.pop()
        for child in children.get(uid, []):
            if child not in seen:
                seen.add(child)
                pending.append(child)
    return seen


def _topological(manifest: Mapping[str, Any]) -> list[str]:
    """Every node after the nodes it reads (Dagster wants a multi-asset's results so)."""
    ordered: list[str] = []
    placed: set[str] = set()

    def place(uid: str) -> None:
        if uid in placed or uid not in manifest["nodes"]:
            return
        placed.add(uid)
        for parent in _parents(manifest["nodes"][uid]):
            place(parent)
        ordered.append(uid)

    for uid in sorted(manifest["nodes"]):
        place(uid)
    return ordered


def _directly_affected(manifest: Mapping[str, Any], changed: set[str]) -> set[str]:
    """Nodes reading a changed source. A node that keeps a raw table's current rows with
    `current_file_rows` reads the registry only for those rows' files, which that table's
    fingerprint covers; any other node reading the registry depends on all of it."""
    relations = _source_relations(manifest)
    affected = set()
    for uid, node in manifest["nodes"].items():
        sources = {relations[p] for p in _parents(node) if p in relations}
        if CURRENT_ROWS_MACRO in node.get("depends_on", {}).get("macros", []):
            sources.discard(REGISTRY)
        if sources & changed:
            affected.add(uid)
    return affected


def _clock_models(manifest: Mapping[str, Any]) -> set[str]:
    return {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["name"] in CLOCK_MODELS
    }


def build_selection(
    manifest: Mapping[str, Any], recorded: Mapping[str, str], current: Mapping[str, str]
) -> BuildSelection:
    """Which built nodes tonight's build may leave as they are."""
    if not recorded:
        return BuildSelection((), "inget tidigare bygge registrerat: allt byggs", is_full=True)
    if recorded.get(PROJECT_KEY) != current[PROJECT_KEY]:
        return BuildSelection((), "dbt-projektet har ändrats: allt byggs", is_full=True)
    changed = {name for name, value in current.items() if recorded.get(name) != value}
    starts = _directly_affected(manifest, changed) | _clock_models(manifest)
    rebuilt = starts | _downstream(manifest, starts)
    excluded = [
        manifest["nodes"][uid]["name"]
        for uid in _topological(manifest)
        if manifest["nodes"][uid]["resource_type"] in BUILT_TYPES and uid not in rebuilt
    ]
    names = ", ".join(sorted(changed)) or "inga"
    return BuildSelection(
        tuple(excluded), f"ändrade källor: {names}; {len(excluded)} noder oförändrade"
    )


def read_manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
