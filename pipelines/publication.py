"""Publishing the work database as the warehouse readers see, all at once or not at all."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

PUBLICATION_DDL = """
create schema if not exists meta;
create or replace table meta.publication (
    published_at timestamptz not null,
    run_id varchar not null,
    source_files integer not null,
    built_from varchar not null
);
comment on table meta.publication is
    'When and by which run the warehouse was published: one row, replaced at each publication.';
comment on column meta.publication.published_at is
    'When the warehouse was published (UTC).';
comment on column meta.publication.run_id is
    'The Dagster run that built and published it.';
comment on column meta.publication.source_files is
    'Delivered files loaded (raw.file_registry status loaded), superseded ones too.';
comment on column meta.publication.built_from is
    'SHA-256 of the dbt project and the insats configuration the warehouse was built from.';
"""


def stamp_publication(con: duckdb.DuckDBPyConnection, run_id: str, built_from: str) -> datetime:
    """Record when, by which run and from what the warehouse was built: for the freshness
    banner, and so the nightly schedule knows when nothing has changed since."""
    published_at = datetime.now(UTC)
    con.execute(PUBLICATION_DDL)
    [(source_files,)] = con.execute(
        "select count(*) from raw.file_registry where status = 'loaded'"
    ).fetchall()
    con.execute(
        "insert into meta.publication values (?, ?, ?, ?)",
        [published_at, run_id, source_files, built_from],
    )
    con.execute("checkpoint")
    return published_at


def _staging_copy(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.publishing")


def discard_unfinished_publication(warehouse: Path) -> None:
    """Remove the half-written copy an interrupted publication left beside the warehouse."""
    _staging_copy(warehouse).unlink(missing_ok=True)


def publish(work_db: Path, warehouse: Path) -> int:
    """Copy the closed work database beside the warehouse, then rename it over the old one.

    The rename is atomic on one file system: a reader holding the old file keeps reading it,
    a new reader gets the complete new file, and an interrupted copy leaves the last
    published warehouse untouched. Returns the published file's size in bytes.
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    staging = _staging_copy(warehouse)
    shutil.copyfile(work_db, staging)
    with staging.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, warehouse)
    return warehouse.stat().st_size
