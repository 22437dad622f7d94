"""Child process of the benchmark: one `pipelines.run`, then the timings of its steps as JSON.

It runs exactly what `make pipeline` runs, against a fresh DAGSTER_HOME, and afterwards
reads the step start and end times from that run's event log. Each step is put in a stage
by the `pipelines/defs/<stage>/` package its op function was written in.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import dagster as dg

from pipelines import run
from pipelines.definitions import defs

DBT_DURATION_KEY = "Execution Duration"
# The dbt asset logs what tonight's build selects (pipelines/defs/dbt/assets.py).
DBT_SELECTION_PREFIX = "dbt build: "


def _stage_of(op_def: dg.OpDefinition) -> str:
    function = getattr(op_def.compute_fn, "decorated_fn", op_def.compute_fn)
    parts = getattr(function, "__module__", "").split(".")
    if parts[:2] == ["pipelines", "defs"] and len(parts) > 2:
        return parts[2]
    return "other"


def stages_by_step() -> dict[str, str]:
    """Step key (the op name, all ops being top-level) onto its `defs/` package name."""
    job = defs().resolve_job_def("nightly")
    return {node_def.name: _stage_of(node_def) for node_def in job.all_node_defs}


def _dbt_node_seconds(
    instance: dg.DagsterInstance, run_id: str, steps: set[str]
) -> dict[str, tuple[float, float]]:
    """Each model dbt built in the run: (when it ended, dbt's own time for it)."""
    nodes = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = entry.asset_materialization
        if entry.step_key not in steps or materialization is None:
            continue
        duration = materialization.metadata.get(DBT_DURATION_KEY)
        if duration is not None:
            key = materialization.asset_key.to_user_string()
            nodes[key] = (entry.timestamp, float(duration.value))
    return nodes


def _dbt_test_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Each dbt test run in the run (a check of its model's asset): dbt's own time for it."""
    tests = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        duration = evaluation.metadata.get(DBT_DURATION_KEY)
        if duration is not None:
            tests[evaluation.check_name] = float(duration.value)
    return tests


def _dbt_selection(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """What the dbt step said it would build, and why."""
    for entry in instance.all_logs(run_id):
        if entry.user_message.startswith(DBT_SELECTION_PREFIX):
            return entry.user_message.removeprefix(DBT_SELECTION_PREFIX)
    return None


def run_timings(instance: dg.DagsterInstance) -> dict[str, object]:
    """Steps, stages and run bounds of the one run in this (fresh) instance."""
    record = instance.get_run_records(limit=1)[0]
    run_id = record.dagster_run.run_id
    stage_of = stages_by_step()
    steps = [
        {
            "step_key": stats.step_key,
            "stage": stage_of.get(stats.step_key, "other"),
            "status": stats.status.value if stats.status else None,
            "start": stats.start_time,
            "end": stats.end_time,
        }
        for stats in instance.get_run_step_stats(run_id)
    ]
    dbt_steps = {step["step_key"] for step in steps if step["stage"] == "dbt"}
    dbt_nodes = _dbt_node_seconds(instance, run_id, dbt_steps)
    return {
        "run_id": run_id,
        "status": record.dagster_run.status.value,
        "run_started_at": record.start_time,
        "run_ended_at": record.end_time,
        # When dbt began its first model: the end of dbt's own start-up inside its step.
        "dbt_first_node_started_at": min(
            (end - seconds for end, seconds in dbt_nodes.values()), default=None
        ),
        "dbt_models": {key: seconds for key, (_, seconds) in dbt_nodes.items()},
        "dbt_tests": _dbt_test_seconds(instance, run_id),
        "dbt_selection": _dbt_selection(instance, run_id),
        "steps": steps,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timings", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args(argv)
    exit_code = run.main([])
    finished_at = time.time()
    with dg.DagsterInstance.get() as instance:
        timings = run_timings(instance)
    timings |= {"exit_code": exit_code, "finished_at": finished_at}
    args.timings.write_text(json.dumps(timings, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
