"""The benchmark plan: per size, repeated pipeline and floor runs, dashboard latency, and
on top of chosen sizes' warehouses the incremental case and the dbt build with and without
the follow-up models; summarised as medians."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines.bench.compiled import compile_project
from pipelines.bench.dashboard_queries import dashboard_latency
from pipelines.bench.delivery import deliver_next_day
from pipelines.bench.follow_up import bench_follow_up
from pipelines.bench.landings import Landing, demo_landing, generator_version, link_copy
from pipelines.bench.machine import machine_facts
from pipelines.bench.page_render import page_render_times
from pipelines.bench.read_limit import read_once
from pipelines.bench.report import failure_prefix
from pipelines.bench.runs import rows_read, run_floor, run_paths, run_pipeline, size_settings


@dataclass(frozen=True)
class Plan:
    """What to measure and where to keep landings and run files."""

    sizes: Sequence[int]
    repeats: int
    seed: int
    cache: Path
    incremental_sizes: tuple[int, ...]
    query_calls: int
    follow_up_size: int
    repeats_for: Mapping[int, int] = field(default_factory=dict)

    def repeats_of(self, participants: int) -> int:
        """Runs at this size: the default, or fewer where the largest sizes take long."""
        return self.repeats_for.get(participants, self.repeats)


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _median(runs: Sequence[dict], key: str) -> float | None:
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


def _median_parts(runs: Sequence[dict], key: str) -> dict[str, float]:
    """Median of each part of a breakdown (stages, overhead) over the runs."""
    names = sorted({name for run in runs for name in run[key]})
    return {name: statistics.median(run[key].get(name, 0.0) for run in runs) for name in names}


def summarise_runs(runs: Sequence[dict]) -> dict[str, object]:
    """Medians of a repeated measurement; peak memory is the worst repeat's."""
    numeric = {key for run in runs for key, value in run.items() if isinstance(value, int | float)}
    summary: dict[str, object] = {key: _median(runs, key) for key in sorted(numeric)}
    for key in ("stages", "overhead"):
        if all(key in run for run in runs):
            summary[key] = _median_parts(runs, key)
    for key in ("peak_rss_bytes", "peak_memory_bytes"):
        summary[key] = max(run[key] for run in runs)
    median_run = sorted(runs, key=lambda run: run["total_seconds"])[len(runs) // 2]
    for key in ("dbt_slowest_models", "dbt_slowest_tests", "dbt_selection"):
        if key in median_run:
            summary[key] = median_run[key]
    return summary


def _fresh_run_dir(plan: Plan, name: str) -> Path:
    run_dir = plan.cache / "runs" / name
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    return run_dir


def _size_summary(
    pipeline: dict, floor: dict, dashboard: list[dict], pages: dict
) -> dict[str, object]:
    """The figures the targets are judged on."""
    stages = pipeline["stages"]
    medians = [
        query["median_ms"]
        for query in dashboard
        if "median_ms" in query and query["scope"] == "query"
    ]
    return {
        "total_seconds": pipeline["total_seconds"],
        "peak_memory_bytes": pipeline["peak_memory_bytes"],
        "fixed_overhead_seconds": pipeline["fixed_overhead_seconds"],
        "floor_ratio": pipeline["total_seconds"] / floor["total_seconds"],
        "core_floor_ratio": (stages.get("ingest", 0.0) + stages.get("dbt", 0.0))
        / floor["total_seconds"],
        "dashboard_slowest_median_ms": max(medians, default=None),
        "page_slowest_median_ms": max(page["median_ms"] for page in pages["pages"]),
        "page_slowest_first_ms": max(page["first_ms"] for page in pages["pages"]),
    }


def bench_size(
    plan: Plan, landing: Landing, floor_manifest: Path
) -> tuple[dict[str, object], Path]:
    """Repeated pipeline and floor runs on one landing, then dashboard latency.

    Pipeline and floor alternate, so a slow spell on the shared machine hits both alike.
    Returns the result and the last pipeline run's folder (its warehouse stays for reuse).
    """
    pipeline_runs, floor_runs = [], []
    load_at_start = os.getloadavg()[0]
    repeats = plan.repeats_of(landing.participants)
    for repeat in range(1, repeats + 1):
        run_dir = _fresh_run_dir(plan, f"{landing.participants}_{repeat}")
        link_copy(landing.folder, run_paths(run_dir)["landing"])
        log(f"{landing.participants}: pipeline, repeat {repeat}/{repeats}")
        pipeline_runs.append(run_pipeline(landing, run_dir))
        log(f"{landing.participants}: floor, repeat {repeat}/{repeats}")
        floor_runs.append(run_floor(landing, run_dir, floor_manifest))
        if repeat < repeats:
            shutil.rmtree(run_dir)
    log(f"{landing.participants}: every landed file read once (the physical limit)")
    read_limit = read_once(landing.folder)
    log(f"{landing.participants}: dashboard queries")
    dashboard = dashboard_latency(run_paths(run_dir)["warehouse"], plan.query_calls)
    log(f"{landing.participants}: dashboard pages in Chromium")
    pages = page_render_times(
        run_paths(run_dir)["warehouse"], plan.query_calls, run_dir / "streamlit.log"
    )
    pipeline, floor = summarise_runs(pipeline_runs), summarise_runs(floor_runs)
    result = {
        "participants": landing.participants,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": {"at_start": load_at_start, "at_end": os.getloadavg()[0]},
        "repeats": repeats,
        "settings": size_settings(landing.participants),
        "landing": landing.facts,
        "pipeline": {"median": pipeline, "runs": pipeline_runs},
        "floor": {"median": floor, "runs": floor_runs},
        "read_limit": read_limit,
        "dashboard": dashboard,
        "pages": pages,
        "summary": _size_summary(pipeline, floor, dashboard, pages),
    }
    return result, run_dir


def _copy_run_state(base: Path, target: Path) -> None:
    """A copy of a finished run's databases (real copies: they will be written) and landing."""
    base_paths, target_paths = run_paths(base), run_paths(target)
    link_copy(base_paths["landing"], target_paths["landing"])
    target_paths["work_db"].parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(base_paths["work_db"], target_paths["work_db"])
    if base_paths["warehouse"].exists():
        shutil.copyfile(base_paths["warehouse"], target_paths["warehouse"])


def bench_incremental(plan: Plan, landing: Landing, base: Path) -> dict[str, object]:
    """One new day of deliveries on top of a finished run's warehouse, repeated."""
    runs, delivered = [], {}
    repeats = plan.repeats_of(landing.participants)
    for repeat in range(1, repeats + 1):
        run_dir = _fresh_run_dir(plan, f"{landing.participants}_incremental_{repeat}")
        _copy_run_state(base, run_dir)
        delivered = deliver_next_day(run_paths(run_dir)["landing"])
        log(f"{landing.participants}: incremental, repeat {repeat}/{repeats}")
        before = rows_read(run_paths(run_dir)["work_db"]) or 0
        runs.append(run_pipeline(landing, run_dir, rows_before=before))
        shutil.rmtree(run_dir)
    return {
        "participants": landing.participants,
        "delivered": delivered,
        "median": summarise_runs(runs),
        "runs": runs,
    }


def run_plan(plan: Plan, on_progress) -> dict[str, object]:
    """Measure every size of the plan; `on_progress(results)` after each, so a long
    benchmark that is stopped still leaves the sizes it finished."""
    results: dict[str, object] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "plan": {
            "sizes": list(plan.sizes),
            "repeats": plan.repeats,
            "repeats_for": {str(size): count for size, count in plan.repeats_for.items()},
            "seed": plan.seed,
            "generator_version": generator_version(),
            "dashboard_calls_per_query": plan.query_calls,
            "incremental_sizes": list(plan.incremental_sizes),
            "follow_up_size": plan.follow_up_size,
        },
        "sizes": [],
        "failures": [],
    }
    log("dbt compile for the floor")
    floor_manifest = compile_project(plan.cache / "floor_dbt")
    for participants in plan.sizes:
        started = time.perf_counter()
        try:
            _bench_one_size(plan, participants, results, floor_manifest)
        except Exception as error:  # a failed size is reported; the other sizes still run
            log(f"{participants}: failed: {error}")
            results["failures"].append(f"{failure_prefix(participants)} {error}")
        log(f"{participants}: done in {time.perf_counter() - started:.0f} s")
        on_progress(results)
    return results


def _bench_one_size(plan: Plan, participants: int, results: dict, floor_manifest: Path) -> None:
    log(f"{participants}: landing")
    landing = demo_landing(plan.cache, participants, plan.seed)
    size_result, last_run = bench_size(plan, landing, floor_manifest)
    results["sizes"].append(size_result)
    try:
        if participants in plan.incremental_sizes:
            _add_incremental(size_result, bench_incremental(plan, landing, last_run))
        if participants == plan.follow_up_size:
            # After the incremental case: these builds change the warehouse it starts from.
            follow_up = bench_follow_up(last_run, landing, plan.repeats_of(participants), log)
            size_result["follow_up"] = follow_up
            size_result["summary"]["follow_up_added_share"] = follow_up["added_share"]
    finally:
        shutil.rmtree(last_run)


def _add_incremental(size_result: dict, incremental: dict) -> None:
    """The next-day run goes with its size, so each size's share is judged on its own."""
    full = size_result["pipeline"]["median"]["total_seconds"]
    incremental["share_of_full_run"] = incremental["median"]["total_seconds"] / full
    size_result["incremental"] = incremental
    size_result["summary"]["next_day_share"] = incremental["share_of_full_run"]
