"""A file's staging database: what its transaction will add to the raw layer, built part
by part before the transaction begins.

Staging holds personnummer (the delivered text), so it may never spill to disk, and
DuckDB frees a temp table only when its transaction ends. So a file is staged on its own
cursor, statement by statement: each part of the file (`stage_part_bytes` in limits.yml)
is read, typed and pseudonymised, and what it adds to a raw table is appended to the
table of the same name in a staging database beside the work database. Those rows hold
nothing the raw layer would not hold, so they may live on disk; then the file's one
transaction copies every staged table into `raw` (`copy_staged`). Memory follows the
part, not the file.

A staging database is removed after its file's transaction, committed or not, and every
one left by a killed run is removed before the next file is staged.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

ALIAS_PREFIX = "ingest_staging_"
SUFFIX = ".staging-"


@dataclass(frozen=True)
class Staging:
    """A file's staging cursor, the name of its staging database, and the size of the
    parts a text file is staged in (`limits.yml`, `stage_part_bytes`)."""

    cursor: duckdb.DuckDBPyConnection
    database: str
    part_bytes: int

    def table_like(self, table: str) -> str:
        """The staged table of raw `table` (created empty, in raw's shape, on first use)."""
        self.cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {self.database}.{table} AS FROM raw.{table} LIMIT 0"
        )
        return f"{self.database}.{table}"


def _database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    [(path,)] = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return Path(path) if path else None


def _leftovers(con: duckdb.DuckDBPyConnection) -> list[Path]:
    path = _database_path(con)
    return sorted(path.parent.glob(f"{path.name}{SUFFIX}*")) if path else []


def release_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Detach and delete every staging database (also those of a killed run)."""
    attached = con.execute(
        "SELECT database_name FROM duckdb_databases() WHERE starts_with(database_name, ?)",
        [ALIAS_PREFIX],
    ).fetchall()
    for (name,) in attached:
        con.execute(f"DETACH {name}")
    for leftover in _leftovers(con):
        leftover.unlink(missing_ok=True)


def _drop_temporary(cursor: duckdb.DuckDBPyConnection) -> None:
    """Drop the cursor's temp tables and views, after every file, failed ones included:
    what one file staged never reaches the next."""
    for kind in ("VIEW", "TABLE"):
        names = cursor.execute(
            f"SELECT {kind.lower()}_name FROM duckdb_{kind.lower()}s() "
            "WHERE temporary AND NOT internal"
        ).fetchall()
        for (name,) in names:
            cursor.execute(f"DROP {kind} IF EXISTS temp.{name}")


@contextmanager
def staging(
    cursor: duckdb.DuckDBPyConnection, file_bytes: int, part_bytes: int
) -> Iterator[Staging]:
    """A new staging database for one file of `file_bytes`, staged through `cursor` (a
    cursor of the ingest's connection, in autocommit) in parts of `part_bytes`. A file of
    one part is staged in memory (it holds no more than that part's rows), a larger one on
    disk.

    The database stays attached for the file's transaction to copy from; `release_staging`
    removes it. The cursor reads the raw layer as last committed, as the file's
    transaction will (one writer). One cursor serves every file of a run, so the text
    rules' macros are bound once; each file starts with none of the last one's tables.
    """
    name = f"{ALIAS_PREFIX}{uuid.uuid4().hex}"
    path = _database_path(cursor)
    on_disk = path and file_bytes > part_bytes
    target = f"{path}{SUFFIX}{name}.duckdb" if on_disk else ":memory:"
    cursor.execute(f"ATTACH '{target}' AS {name}")
    try:
        yield Staging(cursor, name, part_bytes)
    finally:
        _drop_temporary(cursor)


def copy_staged(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """Add every staged table to the raw table of the same name (in the caller's
    transaction)."""
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY table_name",
        [database],
    ).fetchall()
    for (table,) in tables:
        con.execute(f"INSERT INTO raw.{table} FROM {database}.{table}")
