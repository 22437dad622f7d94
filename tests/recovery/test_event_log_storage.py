"""The run history's storage (pipelines/event_log_storage.py) writes what Dagster's own does,
with the planned events of a run in one batch instead of three commits each."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy
from sqlalchemy.engine import Engine

from pipelines.definitions import defs
from pipelines.event_log_storage import BatchedSqliteEventLogStorage
from tests.recovery.runs import REPO, dagster_instance

PLANNED = (
    dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
)


def _planned_counts(instance: dg.DagsterInstance, run_id: str) -> Counter:
    events = (entry.dagster_event for entry in instance.all_logs(run_id))
    return Counter(event.event_type for event in events if event and event.event_type in PLANNED)


def test_a_runs_planned_events_are_stored_in_a_few_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unset (and restored after the test): the storage must ask Dagster for batches itself.
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "1")
    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE")
    (tmp_path / "dagster.yaml").write_bytes((REPO / "pipelines" / "dagster.yaml").read_bytes())
    job = defs().resolve_job_def("nightly")
    connections = []

    def count(dbapi_connection: object, _record: object) -> None:
        connections.append(dbapi_connection)

    with dagster_instance(tmp_path) as instance:
        assert isinstance(instance.event_log_storage, BatchedSqliteEventLogStorage)
        sqlalchemy.event.listen(Engine, "connect", count)
        try:
            run = instance.create_run_for_job(job_def=job)
        finally:
            sqlalchemy.event.remove(Engine, "connect", count)
        planned = _planned_counts(instance, run.run_id)
        checks_planned = instance.event_log_storage.get_asset_check_execution_history(
            next(iter(job.asset_layer.asset_graph.asset_check_keys)), limit=10
        )

    assets = len(job.asset_layer.asset_graph.materializable_asset_keys)
    checks = len(job.asset_layer.asset_graph.asset_check_keys)
    assert planned == {PLANNED[0]: assets, PLANNED[1]: checks}
    assert [record.run_id for record in checks_planned] == [run.run_id]
    assert (tmp_path / "history" / "runs" / f"{run.run_id}.db").exists()
    # Dagster's own storage opens three per planned event (about 1 400 here).
    assert len(connections) < 20, len(connections)
