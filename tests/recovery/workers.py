"""Run records as a killed or a live process leaves them, for tests of recovery."""

from __future__ import annotations

import subprocess

import dagster as dg

from pipelines.run_recovery import WORKER_TAG, worker_identity


def dead_worker() -> str:
    """The worker identity of a process that has ended."""
    process = subprocess.Popen(["true"])
    identity = worker_identity(process.pid)
    process.wait()
    return identity


def started_run(instance: dg.DagsterInstance, worker: str) -> dg.DagsterRun:
    """A run the instance believes is going on in process `worker`."""
    run = dg.DagsterRun(
        job_name="nightly", status=dg.DagsterRunStatus.STARTED, tags={WORKER_TAG: worker}
    )
    instance.add_run(run)
    return run
