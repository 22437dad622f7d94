"""Resources shared by every concern: the single-writer work database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from pipelines.settings import Settings, load_settings


class Warehouse(dg.ConfigurableResource):
    """The work DuckDB file that ingest, dbt and quality write; readers use the published copy.

    Settings are resolved when a connection is opened, so a test can point a run at its own
    files through the FINSAM_* environment.
    """

    @property
    def settings(self) -> Settings:
        return load_settings()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writing connection to the work database, closed when the block ends."""
        path = self.settings.work_db
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
        try:
            yield con
        finally:
            con.close()


@dg.definitions
def resources() -> dg.Definitions:
    # Every step runs in one process: DuckDB allows a single writer, so parallel steps
    # would only queue on the file lock.
    return dg.Definitions(resources={"warehouse": Warehouse()}, executor=dg.in_process_executor)
