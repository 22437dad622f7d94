"""Resources shared by every concern: the single-writer work database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from pipelines.run_recovery import tag_worker
from pipelines.settings import Settings, load_settings

LOCKED_MESSAGE = (
    "Arbetsdatabasen {path} används av en annan process; körningen avbryts i stället för att "
    "vänta / the work database is held by another process: {error}"
)


class Warehouse(dg.ConfigurableResource):
    """The work DuckDB file that ingest, dbt and quality write; readers use the published copy.

    Settings are resolved when a connection is opened, so a test can point a run at its own
    files through the FINSAM_* environment.
    """

    @property
    def settings(self) -> Settings:
        return load_settings()

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Name this process as the run's worker, so a run it leaves behind can be recovered."""
        if context.run is not None and context.instance is not None:
            tag_worker(context.instance, context.run)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writing connection to the work database, closed when the block ends."""
        path = self.settings.work_db
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path))
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            raise dg.Failure(description=LOCKED_MESSAGE.format(path=path, error=error)) from None
        try:
            yield con
        finally:
            con.close()


@dg.definitions
def resources() -> dg.Definitions:
    # Every step runs in one process: DuckDB allows a single writer, so parallel steps
    # would only queue on the file lock. No concurrency pool either: one run at a time is
    # kept at run level (see ARCHITECTURE.md, "Runs that survive").
    return dg.Definitions(resources={"warehouse": Warehouse()}, executor=dg.in_process_executor)
