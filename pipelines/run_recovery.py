"""Runs left behind by a dead process, found and closed through Dagster's own run API.

A run killed with `kill -9`, by the out-of-memory killer or a power cut stays STARTED in the
instance for ever: Dagster's default run launcher cannot check a run worker's health, and
an in-process run (`pipelines.run`, cron) has no launcher at all. Every run therefore
carries the identity of the process executing it (tag `finsam/worker`: host, pid and the
process's start time, so a reused pid is not mistaken for the run). Before a run starts,
and on every sensor tick, runs whose worker is gone are reported failed and whatever they
held is released: concurrency slots, and the half-copied warehouse of an interrupted
publication.

A run without the tag (started by an older version, or killed before its worker tagged it)
cannot be judged by its process; it counts as dead once it has written nothing to the event
log for `UNTAGGED_STALE_SECONDS`, far longer than any step of a nightly run is silent.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.publication import discard_unfinished_publication

WORKER_TAG = "finsam/worker"
UNTAGGED_STALE_SECONDS = 3600.0
IN_PROGRESS = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
DEAD_RUN_MESSAGE = (
    "Körningen avbröts: processen {pid} finns inte längre (dödad, minnesbrist eller "
    "strömavbrott). Markerad som misslyckad inför nästa körning / the run's process is gone; "
    "marked failed so the next run can proceed."
)


def _process_start(pid: int) -> str | None:
    """The kernel's start time of a process (clock ticks since boot), None if it is gone.

    A zombie (killed, not yet reaped by its parent) counts as gone.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name, which may itself hold spaces and parentheses.
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def worker_identity(pid: int | None = None) -> str:
    """`host:pid:start` of a process (default: this one), the value of the worker tag."""
    pid = pid or os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid) or ''}"


@dataclass(frozen=True)
class Worker:
    """The process a run says it executes in."""

    host: str
    pid: int
    start: str

    @classmethod
    def of(cls, run: dg.DagsterRun) -> Worker | None:
        host, _, rest = run.tags.get(WORKER_TAG, "").partition(":")
        pid, _, start = rest.partition(":")
        return cls(host, int(pid), start) if pid.isdigit() else None

    def is_gone(self) -> bool:
        """True only when certain: the process is on this host and no longer exists."""
        return self.host == socket.gethostname() and _process_start(self.pid) != self.start


def in_progress_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    """Runs the instance believes are starting, running or being cancelled."""
    return list(instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS)))


def _silent_seconds(instance: dg.DagsterInstance, run: dg.DagsterRun) -> float:
    """Seconds since the run last wrote to the event log (or was created)."""
    records = instance.event_log_storage.get_records_for_run(
        run.run_id, ascending=False, limit=1
    ).records
    if records:
        last = records[0].timestamp
    else:
        last = instance.get_run_record_by_id(run.run_id).create_timestamp.timestamp()
    return time.time() - last


def _is_dead(instance: dg.DagsterInstance, run: dg.DagsterRun, untagged_stale: float) -> bool:
    worker = Worker.of(run)
    if worker is None:
        return _silent_seconds(instance, run) >= untagged_stale
    return worker.is_gone()


def live_runs(
    instance: dg.DagsterInstance, untagged_stale: float = UNTAGGED_STALE_SECONDS
) -> list[dg.DagsterRun]:
    """In-progress runs whose process is alive (or on another host, so cannot be judged)."""
    runs = in_progress_runs(instance)
    return [run for run in runs if not _is_dead(instance, run, untagged_stale)]


def recover_dead_runs(
    instance: dg.DagsterInstance,
    warehouse: Path,
    untagged_stale: float = UNTAGGED_STALE_SECONDS,
) -> list[str]:
    """Mark runs with a dead worker failed and release what they held; returns their ids.

    With no run alive any more, a half-copied publication is discarded too.
    """
    recovered = []
    for run in in_progress_runs(instance):
        if _is_dead(instance, run, untagged_stale):
            worker = Worker.of(run)
            pid = worker.pid if worker else "?"
            instance.report_run_failed(run, DEAD_RUN_MESSAGE.format(pid=pid))
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            recovered.append(run.run_id)
    if not live_runs(instance, untagged_stale):
        discard_unfinished_publication(warehouse)
    return recovered


def tag_worker(instance: dg.DagsterInstance, run: dg.DagsterRun) -> None:
    """Record this process as the run's worker, unless the run was started with the tag."""
    if WORKER_TAG not in run.tags:
        instance.add_run_tags(run.run_id, {WORKER_TAG: worker_identity()})
