"""One measured pipeline run and one measured floor run, each in a child process of its own."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import duckdb
import yaml

from pipelines.bench import PIPELINES_DIR
from pipelines.bench.floor import DATABASE as FLOOR_DATABASE
from pipelines.bench.landings import Landing
from pipelines.bench.measure import Measurement, run_measured
from pipelines.ingest.limits import load_limits
from pipelines.settings import duckdb_memory_limit

# dbt's slowest models, and slowest tests, reported per run.
SLOWEST_NODES = 6
# A fixed key: pipeline and floor must compute the same pseudonyms, and a benchmark
# landing is synthetic, so the key protects nothing.
BENCH_PSEUDONYM_KEY = "finsam-benchmark-key-not-secret"
DAGSTER_YAML = PIPELINES_DIR / "dagster.yaml"
SIZE_SETTINGS_FILE = Path(__file__).with_name("size_settings.yml")


def run_paths(run_dir: Path) -> dict[str, Path]:
    """Where one run keeps its landing copy, databases, Dagster home and logs."""
    return {
        "landing": run_dir / "landing",
        "warehouse": run_dir / "warehouse.duckdb",
        "work_db": run_dir / "work" / "warehouse_work.duckdb",
        "dagster_home": run_dir / "dagster_home",
        "floor_db": run_dir / "floor" / f"{FLOOR_DATABASE}.duckdb",
    }


def run_config(landing: Landing, run_dir: Path) -> Path:
    """The landing's insats configuration, with the file-size limit raised to its largest
    file where that is over the limit the configuration gives: at 1 000 000 participants a
    kind F file is over 1 GB, and a national installation raises `ingest: max_file_bytes`
    the same way."""
    largest = max(path.stat().st_size for path in landing.folder.rglob("*") if path.is_file())
    if largest <= load_limits(landing.config).max_file_bytes:
        return landing.config
    config = yaml.safe_load(landing.config.read_text(encoding="utf-8")) or {}
    config.setdefault("ingest", {})["max_file_bytes"] = largest
    path = run_dir / landing.config.name
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def size_settings(participants: int) -> dict[str, str]:
    """The FINSAM_* settings an installation of this size runs under (size_settings.yml)."""
    document = yaml.safe_load(SIZE_SETTINGS_FILE.read_text(encoding="utf-8")) or {}
    return {name: str(value) for name, value in (document.get(participants) or {}).items()}


def run_environment(run_dir: Path, landing: Landing) -> dict[str, str]:
    """The FINSAM_* environment pointing a child at this run's own files, with its size's
    settings."""
    paths = run_paths(run_dir)
    venv_bin = str(Path(sys.executable).parent)
    return (
        os.environ
        | {
            "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "FINSAM_LANDING": str(paths["landing"]),
            "FINSAM_WAREHOUSE": str(paths["warehouse"]),
            "FINSAM_WORK_DB": str(paths["work_db"]),
            "FINSAM_CONFIG": str(run_config(landing, run_dir)),
            "FINSAM_PSEUDONYM_KEY": BENCH_PSEUDONYM_KEY,
            "FINSAM_ENV": "demo",
            # The landing is complete when the run starts: no file is still being uploaded.
            "FINSAM_SETTLE_SECONDS": "0",
            "FINSAM_DUCKDB_MEMORY_LIMIT": duckdb_memory_limit(),
            "DAGSTER_HOME": str(paths["dagster_home"]),
        }
        | size_settings(landing.participants)
    )


def rows_read(database: Path) -> int | None:
    """Data rows of every file the database has loaded so far."""
    if not database.exists():
        return None
    sql = "select coalesce(sum(rows_read), 0) from raw.file_registry"
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def _stage_seconds(timings: dict) -> dict[str, float]:
    stages: dict[str, float] = {}
    for step in timings["steps"]:
        if step["start"] is not None and step["end"] is not None:
            stages[step["stage"]] = stages.get(step["stage"], 0.0) + step["end"] - step["start"]
    return stages


def overhead_parts(timings: dict, started_at: float) -> dict[str, float]:
    """Time not spent on data, by where it goes: interpreter, Dagster and definitions
    start-up before the run; hand-overs between steps; dbt's own start-up (from its step's
    start to its first model's start); and the wind-down after the run."""
    run_start, run_end = timings["run_started_at"], timings["run_ended_at"]
    dbt_starts = [step["start"] for step in timings["steps"] if step["stage"] == "dbt"]
    first_node = timings.get("dbt_first_node_started_at")
    return {
        "start_up": run_start - started_at,
        "step_hand_overs": run_end - run_start - sum(_stage_seconds(timings).values()),
        "dbt_start_up": first_node - min(dbt_starts) if dbt_starts and first_node else 0.0,
        "wind_down": timings["finished_at"] - run_end,
    }


def _slowest(seconds_by_node: dict[str, float]) -> list[list]:
    ranked = sorted(seconds_by_node.items(), key=lambda item: item[1], reverse=True)
    return [[name, seconds] for name, seconds in ranked[:SLOWEST_NODES]]


def dbt_model_summary(timings: dict) -> dict[str, object]:
    """What dbt built and tested and where its time went: models built and tests run, the
    sum of dbt's own time for each kind, the slowest of each, and the build selection the
    dbt step logged."""
    models = timings.get("dbt_models", {})
    tests = timings.get("dbt_tests", {})
    return {
        "dbt_models_built": len(models),
        "dbt_model_seconds": sum(models.values()),
        "dbt_slowest_models": _slowest(models),
        "dbt_tests_run": len(tests),
        "dbt_test_seconds": sum(tests.values()),
        "dbt_slowest_tests": _slowest(tests),
        "dbt_selection": timings.get("dbt_selection"),
    }


def _summarise_pipeline(timings: dict, measurement: Measurement, rows: int | None) -> dict:
    total = timings["finished_at"] - measurement.started_at
    overhead = overhead_parts(timings, measurement.started_at)
    return {
        "total_seconds": total,
        "process_seconds": measurement.wall_seconds,
        "stages": _stage_seconds(timings),
        "fixed_overhead_seconds": sum(overhead.values()),
        "overhead": overhead,
        "peak_rss_bytes": measurement.peak_rss_bytes,
        "peak_memory_bytes": measurement.peak_tree_rss_bytes,
        "rows_read": rows,
        "rows_per_second": rows / total if rows else None,
        "exit_code": timings["exit_code"],
        "run_status": timings["status"],
        "failed_steps": [s["step_key"] for s in timings["steps"] if s["status"] != "SUCCESS"],
        "steps": timings["steps"],
        **dbt_model_summary(timings),
    }


def run_pipeline(landing: Landing, run_dir: Path, rows_before: int = 0) -> dict:
    """`python -m pipelines.run` on the run's landing; its stages, time, memory and output.

    The landing copy and databases already in `run_dir` are kept (the incremental case
    runs on top of them); only the Dagster home is fresh, so the run is the only one in it.
    """
    paths = run_paths(run_dir)
    shutil.rmtree(paths["dagster_home"], ignore_errors=True)
    paths["dagster_home"].mkdir(parents=True)
    shutil.copy(DAGSTER_YAML, paths["dagster_home"] / "dagster.yaml")
    timings_file = run_dir / "timings.json"
    timings_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pipelines.bench.pipeline_child"]
    measurement = run_measured(
        [*command, "--timings", str(timings_file)],
        run_environment(run_dir, landing),
        run_dir / "pipeline.log",
    )
    if measurement.exit_code != 0 or not timings_file.exists():
        raise RuntimeError(f"pipeline run failed, see {run_dir / 'pipeline.log'}")
    timings = json.loads(timings_file.read_text(encoding="utf-8"))
    # The work database: it holds the rows even when a failed run did not publish.
    rows = rows_read(paths["work_db"])
    summary = _summarise_pipeline(
        timings, measurement, None if rows is None else rows - rows_before
    )
    warehouse = paths["warehouse"]
    return summary | {"warehouse_bytes": warehouse.stat().st_size if warehouse.exists() else None}


def run_floor(landing: Landing, run_dir: Path, manifest: Path) -> dict:
    """The floor (ingest and dbt's compiled SQL, no orchestration) on the same landing,
    timed the same way; `manifest` is the compiled one of `pipelines.bench.compiled`."""
    paths = run_paths(run_dir)
    shutil.rmtree(paths["floor_db"].parent, ignore_errors=True)
    timings_file = run_dir / "floor_timings.json"
    command = [sys.executable, "-m", "pipelines.bench.floor", "--landing", str(landing.folder)]
    command += ["--db", str(paths["floor_db"]), "--manifest", str(manifest)]
    command += ["--timings", str(timings_file)]
    measurement = run_measured(command, run_environment(run_dir, landing), run_dir / "floor.log")
    if measurement.exit_code != 0:
        raise RuntimeError(f"floor run failed, see {run_dir / 'floor.log'}")
    timings = json.loads(timings_file.read_text(encoding="utf-8"))
    return {
        "total_seconds": measurement.wall_seconds,
        "stages": timings["stages"],
        "peak_rss_bytes": measurement.peak_rss_bytes,
        "peak_memory_bytes": measurement.peak_tree_rss_bytes,
        "database_bytes": paths["floor_db"].stat().st_size,
        "rows": timings["rows"],
    }
