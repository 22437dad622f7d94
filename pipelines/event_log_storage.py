"""Dagster's SQLite event log, with one engine per shard and batches in one transaction.

Named in `pipelines/dagster.yaml`. Before a run starts, Dagster writes one planned event per
asset and per check (113 and 355 in the nightly job, 332 of the checks dbt's tests), and the
stock SQLite storage creates an engine and commits once per shard for each event: about
3 s of every run's start-up at 1 000 participants (BENCHMARKS.md). This storage keeps the
same files and tables, so the history stays readable by the stock storage, but

- creates one SQLAlchemy engine per shard instead of one per statement and per check event's
  table lookup (its compiled-statement cache then lasts); the pool is still NullPool: no
  connection outlives its transaction;
- writes a batch (Dagster sends the planned events as one when `DAGSTER_EVENT_BATCH_SIZE` is
  set, which this storage sets unless the operator did) in one transaction per shard.

Every commit is still synchronous: a killed or powered-off run loses no event it reported.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import sqlalchemy
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

# Larger than any batch Dagster sends us (the planned events of one run), so one batch is
# one transaction.
EVENT_BATCH_SIZE = "10000"


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """The run shards and index of `<dagster_home>/history/runs`, as Dagster's default keeps
    them."""

    def __init__(self, dagster_home: str, inst_data: ConfigurableClassData | None = None):
        self._engines: dict[str, Engine] = {}
        self._batch_owner: int | None = None
        self._batch_connections: dict[str, Connection] = {}
        self._batch_stack: ExitStack | None = None
        self._tables_present: set[str] = set()
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
        super().__init__(str(Path(dagster_home) / "history" / "runs"), inst_data)
        self._engine(INDEX_SHARD_NAME)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"dagster_home": dg.StringSource}

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> BatchedSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, created (and its database set up) on first use."""
        if shard not in self._engines:
            engine = sqlalchemy.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=NullPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            self._engines[shard] = engine
        return self._engines[shard]

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        if self._batch_owner == threading.get_ident():
            yield self._batch_connection(shard)
            return
        with self._db_lock, self._engine(shard).connect() as connection, connection.begin():
            yield connection

    def _batch_connection(self, shard: str) -> Connection:
        """The shard's connection in the batch being written, its transaction begun."""
        if shard not in self._batch_connections:
            assert self._batch_stack is not None
            connection = self._batch_stack.enter_context(self._engine(shard).connect())
            self._batch_stack.enter_context(connection.begin())
            self._batch_connections[shard] = connection
        return self._batch_connections[shard]

    def has_table(self, table_name: str) -> bool:
        """Asked before every check event is stored, also while a connection is held (so
        without the lock, on the index shard's engine made in __init__). A table, once there,
        stays: only that answer is kept."""
        if table_name not in self._tables_present:
            with self._engines[INDEX_SHARD_NAME].connect() as connection:
                if connection.dialect.has_table(connection, table_name):
                    self._tables_present.add(table_name)
        return table_name in self._tables_present

    def store_event_batch(self, events: Sequence[Any]) -> None:
        """The batch in one transaction per shard (on an error Dagster stores the events one
        by one)."""
        with self._db_lock, ExitStack() as stack:
            self._batch_stack, self._batch_connections = stack, {}
            self._batch_owner = threading.get_ident()
            try:
                for event in events:
                    self.store_event(event)
            finally:
                # The stack still holds the connections: it commits (or rolls back) and
                # closes them when the `with` ends.
                self._batch_owner, self._batch_stack, self._batch_connections = None, None, {}

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        super().dispose()
