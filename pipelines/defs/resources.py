"""The resources every concern shares, each named for what it is and configured from FINSAM_*.

A path is `dg.EnvVar(<variable>)` when the variable is set: Dagster reads it when a run
starts and the UI shows the variable's name (the pseudonym key's value is never shown). An
unset variable means its documented default, resolved by `pipelines.settings` when the
definitions load, so a fresh clone runs with no FINSAM_* set. No step writes `os.environ`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.ingest.limits import Limits, load_limits
from pipelines.run_recovery import tag_worker
from pipelines.settings import (
    DEFAULT_DBT_THREADS,
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    DEFAULT_DUCKDB_THREADS,
    DEFAULT_SETTLE_SECONDS,
    configured_path,
    dbt_threads,
    duckdb_memory_limit,
    duckdb_threads,
    is_set,
    pseudonym_key,
    settle_seconds,
)
from pipelines.spilling import NEVER_SPILLING

LOCKED_MESSAGE = (
    "Arbetsdatabasen {path} används av en annan process; körningen avbryts i stället för att "
    "vänta / the work database is held by another process: {error}"
)


class WorkDatabase(dg.ConfigurableResource):
    """The single-writer DuckDB build file (FINSAM_WORK_DB) that ingest, dbt and quality write.

    Readers never open it: they read the published warehouse, a copy made at the end of a run.
    Every connection, and dbt through `--vars`, gets the configured memory limit and threads;
    dbt builds `dbt_threads` models at once, sharing them.
    """

    path: str
    memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    threads: int = DEFAULT_DUCKDB_THREADS
    dbt_threads: int = DEFAULT_DBT_THREADS

    @property
    def file(self) -> Path:
        """Absolute, so dbt (which runs in dbt_project/) opens the same file."""
        return Path(self.path).resolve()

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Name this process as the run's worker, so a run it leaves behind can be recovered."""
        if context.run is not None and context.instance is not None:
            tag_worker(context.instance, context.run)

    def duckdb_config(self, holds_personnummer: bool = False) -> dict[str, str | int]:
        """The connection's settings. One that holds personnummer (ingest, before they are
        pseudonymised) never spills to a temp file (`pipelines.spilling`)."""
        config: dict[str, str | int] = {"memory_limit": self.memory_limit, "threads": self.threads}
        return config | NEVER_SPILLING if holds_personnummer else config

    @contextmanager
    def connect(self, holds_personnummer: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writing connection, closed when the block ends; a held lock fails the step at once."""
        path = self.file
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path), config=self.duckdb_config(holds_personnummer))
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            raise dg.Failure(description=LOCKED_MESSAGE.format(path=path, error=error)) from None
        try:
            yield con
        finally:
            con.close()


class PublishedWarehouse(dg.ConfigurableResource):
    """The published warehouse (FINSAM_WAREHOUSE): replaced atomically, read read-only."""

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path).resolve()


class Landing(dg.ConfigurableResource):
    """The landing folder (FINSAM_LANDING) with `arende/`, `scb/`, `ekonomi/`; bad files go to
    its `quarantine/`. Files younger than `settle_seconds` may still be uploading."""

    path: str
    settle_seconds: float = DEFAULT_SETTLE_SECONDS

    @property
    def folder(self) -> Path:
        return Path(self.path).resolve()


class InsatsConfigFile(dg.ConfigurableResource):
    """The insats configuration (FINSAM_CONFIG), with the ingest limits' overrides."""

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path).resolve()

    def limits(self) -> Limits:
        """The ingest limits: `limits.yml` overridden by this file's `ingest:` section."""
        return load_limits(self.file)


class PseudonymKey(dg.ConfigurableResource):
    """The HMAC key of every pseudonym: the secret FINSAM_PSEUDONYM_KEY, or (outside
    production, FINSAM_ENV) the demo key file FINSAM_PSEUDONYM_KEY_FILE, created once."""

    secret: str | None = None
    environment: str = "demo"
    key_file: str

    def value(self) -> bytes:
        """The key; in production without a secret it raises MissingPseudonymKeyError."""
        return pseudonym_key(self.secret, self.environment, Path(self.key_file))


def from_environment(variable: str, default: str | None = None) -> str | None:
    """`dg.EnvVar(variable)` when set (read at run start, shown by name), else `default`."""
    return dg.EnvVar(variable) if is_set(variable) else default


def count_from_environment(variable: str, default: int) -> int:
    """`dg.EnvVar.int(variable)` when set, else `default`: the integer twin of
    from_environment."""
    return dg.EnvVar.int(variable) if is_set(variable) else default


def _path(variable: str) -> str:
    return from_environment(variable, str(configured_path(variable).resolve()))


def resource_defs() -> dict[str, dg.ConfigurableResource]:
    """The configured resources, by key: the code location's, and the tests' `resources=`."""
    return {
        "work_db": WorkDatabase(
            path=_path("FINSAM_WORK_DB"),
            memory_limit=from_environment("FINSAM_DUCKDB_MEMORY_LIMIT", duckdb_memory_limit()),
            threads=count_from_environment("FINSAM_DUCKDB_THREADS", duckdb_threads()),
            dbt_threads=count_from_environment("FINSAM_DBT_THREADS", dbt_threads()),
        ),
        "published_warehouse": PublishedWarehouse(path=_path("FINSAM_WAREHOUSE")),
        "landing": Landing(path=_path("FINSAM_LANDING"), settle_seconds=settle_seconds()),
        "config_file": InsatsConfigFile(path=_path("FINSAM_CONFIG")),
        "pseudonym_key": PseudonymKey(
            secret=from_environment("FINSAM_PSEUDONYM_KEY"),
            environment=from_environment("FINSAM_ENV", "demo"),
            key_file=_path("FINSAM_PSEUDONYM_KEY_FILE"),
        ),
    }


@dg.definitions
def resources() -> dg.Definitions:
    # Every step runs in one process: DuckDB allows a single writer, so parallel steps
    # would only queue on the file lock. No concurrency pool either: one run at a time is
    # kept at run level (see ARCHITECTURE.md, "Runs that survive").
    return dg.Definitions(resources=resource_defs(), executor=dg.in_process_executor)
