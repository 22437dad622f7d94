"""What the follow-up models (issue 16) add to the dbt stage, measured side by side.

On the work database of a finished pipeline run (its ingest done), `dbt build` runs with
every model and without the follow-up ones (dbt selector `without_follow_up` in
dbt_project/selectors.yml: everything but what is built from the kind F extracts), the two
alternating, so a slow spell on the shared machine hits both alike. No build parses
(`finsam-dbt` starts from the prepared manifest, as the nightly build does), so the
difference is the follow-up models' own work. `dbt docs generate`, the rest of the
pipeline's dbt step, is left out of both: it would only add the same time to each.
"""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import duckdb

from pipelines.bench.compiled import dbt_command, dbt_environment
from pipelines.bench.landings import Landing
from pipelines.bench.measure import Measurement, run_measured
from pipelines.bench.runs import run_environment, run_paths
from pipelines.defs.dbt.project import DBT_PROJECT_DIR

SELECTION = {"with": (), "without": ("--selector", "without_follow_up")}
TARGET = "follow_up_dbt"  # the builds' dbt target folder, in the run's folder
SLOWEST = 5  # follow-up nodes named in the report, slowest first


def build_order(repeats: int) -> list[str]:
    """`with`, `without`, then `without`, `with`, ...: each pair in the other order than
    the one before, so neither build always comes first (after a cooler or busier spell)."""
    orders = (("with", "without"), ("without", "with"))
    return [variant for repeat in range(repeats) for variant in orders[repeat % 2]]


def pair_up(builds: Sequence[Mapping]) -> list[dict[str, float]]:
    """The builds' seconds as back-to-back pairs, in the order of `build_order`."""
    return [
        {builds[index]["variant"]: builds[index]["seconds"] for index in (start, start + 1)}
        for start in range(0, len(builds) - 1, 2)
    ]


def pair_share(pair: Mapping[str, float]) -> float:
    """What the follow-up models add to the build without them: (with - without) / without."""
    return (pair["with"] - pair["without"]) / pair["without"]


def added_share(pairs: Sequence[Mapping[str, float]]) -> float:
    """The added share of each back-to-back pair; the median over the pairs."""
    return statistics.median(pair_share(pair) for pair in pairs)


def _dbt(run_dir: Path, landing: Landing, arguments: Sequence[str], log: Path) -> Measurement:
    """One dbt command on the run's work database, its artifacts in the run's own folder."""
    environment = run_environment(run_dir, landing) | dbt_environment(
        run_paths(run_dir)["work_db"], run_dir / TARGET
    )
    measurement = run_measured(dbt_command(*arguments), environment, log, cwd=DBT_PROJECT_DIR)
    if measurement.exit_code != 0:
        raise RuntimeError(f"dbt {' '.join(arguments)} failed, see {log}")
    return measurement


def _build(run_dir: Path, landing: Landing, variant: str, log: Path) -> dict[str, object]:
    """`dbt build` with or without the follow-up models: its time and the nodes it ran."""
    measurement = _dbt(run_dir, landing, ["build", *SELECTION[variant]], log)
    results = json.loads((run_dir / TARGET / "run_results.json").read_text(encoding="utf-8"))
    return {
        "variant": variant,
        "seconds": measurement.wall_seconds,
        "dbt_elapsed_seconds": results["elapsed_time"],
        "peak_memory_bytes": measurement.peak_tree_rss_bytes,
        "node_seconds": {
            result["unique_id"]: result["execution_time"] for result in results["results"]
        },
    }


def follow_up_nodes(builds: Sequence[Mapping]) -> dict[str, float]:
    """The nodes only the builds with the follow-up models ran (what the selector left
    out), each with dbt's own time for it, the median over those builds."""
    ran = {build["variant"]: set(build["node_seconds"]) for build in builds}
    with_builds = [build["node_seconds"] for build in builds if build["variant"] == "with"]
    return {
        unique_id: statistics.median(seconds[unique_id] for seconds in with_builds)
        for unique_id in sorted(ran["with"] - ran["without"])
    }


def node_counts(nodes: Mapping[str, float]) -> dict[str, int]:
    """Nodes per resource type (model, seed, test, ...)."""
    kinds = [unique_id.split(".", 1)[0] for unique_id in nodes]
    return {kind: kinds.count(kind) for kind in sorted(set(kinds))}


def slowest(nodes: Mapping[str, float], count: int = SLOWEST) -> dict[str, float]:
    """The `count` slowest nodes by name (a test's without its hash), slowest first."""
    ranked = sorted(nodes.items(), key=lambda node: node[1], reverse=True)[:count]
    return {unique_id.split(".")[2]: seconds for unique_id, seconds in ranked}


def panel_facts(work_db: Path) -> dict[str, float]:
    """How much kind F the build had: persons in the support panel, their months, and the
    extract rows delivered."""
    with duckdb.connect(str(work_db), read_only=True) as con:
        persons, months = con.execute(
            "select count(distinct person_id), count(*) from marts.support_panel"
        ).fetchone()
        (rows,) = con.execute("select count(*) from raw.income_support_months").fetchone()
    return {
        "panel_persons": persons,
        "panel_months": months,
        "months_per_person": months / persons if persons else None,
        "extract_rows": rows,
    }


def bench_follow_up(
    run_dir: Path, landing: Landing, repeats: int, log: Callable[[str], None]
) -> dict[str, object]:
    """`repeats` pairs of builds with and without the follow-up models on `run_dir`'s work
    database: the builds, the pairs' added shares and their median."""
    load_at_start = os.getloadavg()[0]
    logs = run_dir / "follow_up_logs"
    size = landing.participants
    builds = []
    for index, variant in enumerate(build_order(repeats)):
        repeat = index // 2 + 1
        log(f"{size}: follow-up models: dbt build {variant} them, {repeat}/{repeats}")
        build = _build(run_dir, landing, variant, logs / f"{repeat}_{variant}.log")
        builds.append({"repeat": repeat, **build})
    pairs = pair_up(builds)
    nodes = follow_up_nodes(builds)
    return {
        "participants": size,
        "repeats": repeats,
        "load_average": {"at_start": load_at_start, "at_end": os.getloadavg()[0]},
        **panel_facts(run_paths(run_dir)["work_db"]),
        "follow_up_nodes": node_counts(nodes),
        "slowest_follow_up_nodes": slowest(nodes),
        "median_seconds": {
            variant: statistics.median(pair[variant] for pair in pairs) for variant in SELECTION
        },
        "pair_shares": [pair_share(pair) for pair in pairs],
        "added_share": added_share(pairs),
        "builds": [
            {key: value for key, value in build.items() if key != "node_seconds"}
            for build in builds
        ],
    }
