"""Runs left by a dead process are found through the instance, failed and released."""

from __future__ import annotations

import socket
from pathlib import Path

import dagster as dg
import pytest

from pipelines.run import wait_for_other_runs
from pipelines.run_recovery import (
    Worker,
    live_runs,
    recover_dead_runs,
    worker_identity,
)
from pipelines.settings import Settings
from tests.recovery.workers import dead_worker, started_run


@pytest.fixture
def instance():
    with dg.instance_for_test() as test_instance:
        yield test_instance


def test_a_run_whose_process_died_is_failed_and_its_slots_freed(instance, tmp_path: Path):
    dead = started_run(instance, dead_worker())
    alive = started_run(instance, worker_identity())
    storage = instance.event_log_storage
    storage.set_concurrency_slots("duckdb", 1)
    storage.claim_concurrency_slot("duckdb", dead.run_id, "ingest_budget")

    assert recover_dead_runs(instance, tmp_path / "warehouse.duckdb") == [dead.run_id]

    assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
    assert dead.run_id not in storage.get_concurrency_run_ids()
    assert [run.run_id for run in live_runs(instance)] == [alive.run_id]


def test_a_half_copied_publication_is_discarded_only_when_no_run_is_alive(instance, tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    staging = tmp_path / ".warehouse.duckdb.publishing"
    staging.write_bytes(b"half a copy")
    alive = started_run(instance, worker_identity())
    recover_dead_runs(instance, warehouse)
    assert staging.exists()  # a live run may be copying it right now
    instance.report_run_failed(instance.get_run_by_id(alive.run_id))
    recover_dead_runs(instance, warehouse)
    assert not staging.exists()


def test_a_reused_pid_or_another_host_is_not_mistaken_for_the_run():
    host, pid, start = worker_identity().split(":")
    assert Worker(host, int(pid), "1").is_gone()  # same pid, another process
    assert not Worker(host, int(pid), start).is_gone()
    assert not Worker(f"not-{socket.gethostname()}", 1, "1").is_gone()
    untagged = dg.DagsterRun(job_name="nightly", status=dg.DagsterRunStatus.STARTED)
    assert Worker.of(untagged) is None


def test_a_run_that_waits_says_why_and_gives_up(instance, finsam_env: Settings):
    alive = started_run(instance, worker_identity())
    said: list[str] = []
    assert not wait_for_other_runs(instance, finsam_env, timeout_seconds=0.5, say=said.append)
    assert said[0].startswith("Väntar") and alive.run_id in said[0]
    assert said[-1].startswith("Ger upp")


def test_a_run_does_not_wait_for_a_dead_one(instance, finsam_env: Settings):
    dead = started_run(instance, dead_worker())
    said: list[str] = []
    assert wait_for_other_runs(instance, finsam_env, timeout_seconds=60, say=said.append)
    assert said == [
        f"Körning {dead.run_id} lämnades oavslutad av en död process: markerad som misslyckad."
    ]


def test_an_untagged_run_counts_as_dead_only_after_a_long_silence(instance, tmp_path: Path):
    """Runs of an older version carry no worker tag: judged by their event log's silence."""
    untagged = dg.DagsterRun(job_name="nightly", status=dg.DagsterRunStatus.STARTED)
    instance.add_run(untagged)
    assert recover_dead_runs(instance, tmp_path / "warehouse.duckdb") == []
    assert live_runs(instance) == [instance.get_run_by_id(untagged.run_id)]
    recovered = recover_dead_runs(instance, tmp_path / "warehouse.duckdb", untagged_stale=0)
    assert recovered == [untagged.run_id]
    assert instance.get_run_by_id(untagged.run_id).status == dg.DagsterRunStatus.FAILURE
