"""The file registry: which deliveries were loaded, which are current, which superseded.

A delivery's identity is its content hash, so the same file under any name loads once.
The current file per source kind and organisation is the one with the latest extraction
date (ties: the one loaded last); every earlier one points at its successor. Forecasts
are all current: each is a forecast made on its own date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from pipelines.ingest.landing import LandedFile

ALWAYS_CURRENT_KINDS = ("forecast",)


@dataclass(frozen=True)
class RowCounts:
    """Rows of one delivered file: read, loaded, rejected (unusable, not loaded) and
    dropped (usable but not to be stored, e.g. extract rows of persons without follow-up
    consent; counted where the kind keeps its figures, see `raw.income_support_extracts`)."""

    read: int = 0
    loaded: int = 0
    rejected: int = 0
    dropped: int = 0

    def __add__(self, other: RowCounts) -> RowCounts:
        return RowCounts(
            self.read + other.read,
            self.loaded + other.loaded,
            self.rejected + other.rejected,
            self.dropped + other.dropped,
        )


@dataclass(frozen=True)
class Snapshot:
    """The current loaded delivery of one source kind and organisation."""

    file_name: str
    extraction_date: dt.date
    rows_loaded: int


def current_snapshot(
    con: duckdb.DuckDBPyConnection, source_kind: str, organisation: str
) -> Snapshot | None:
    """The delivery a new snapshot of this kind and organisation would supersede."""
    rows = con.execute(
        "SELECT file_name, extraction_date, rows_loaded FROM raw.file_registry "
        "WHERE status = 'loaded' AND is_current AND source_kind = ? AND organisation = ?",
        [source_kind, organisation],
    ).fetchall()
    return Snapshot(*rows[0]) if rows else None


def registered_status(con: duckdb.DuckDBPyConnection, file_id: str) -> tuple[str, str] | None:
    """(status, file name) of an already registered delivery with this content, if any."""
    rows = con.execute(
        "SELECT status, file_name FROM raw.file_registry WHERE file_id = ?", [file_id]
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def log_delivery(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    file_id: str | None,
    file_name: str,
    outcome: str,
    reason: str | None,
) -> None:
    """Note what a run did with a landed file (loaded, duplicate, quarantined), with the
    reason: the registry keeps one row per content, so a duplicate and why a file was
    quarantined are kept only here (for `marts.deliveries` and the stewards)."""
    con.execute(
        "INSERT INTO raw.delivery_log VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP)",
        [run_id, file_id, file_name, outcome, reason],
    )


def register(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, status: str, counts: RowCounts
) -> None:
    """Record a delivery and recompute which file of its kind and organisation is current.

    Content once quarantined (say, under an unknown name) may load later: the load replaces
    the quarantine record.
    """
    con.execute(
        "DELETE FROM raw.file_registry WHERE file_id = ? AND status = 'quarantined'",
        [landed.file_id],
    )
    con.execute(
        "INSERT INTO raw.file_registry VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, false, NULL)",
        [
            landed.file_id,
            landed.name,
            landed.source_kind,
            landed.organisation,
            landed.extraction_date,
            landed.file_id,
            counts.read,
            counts.loaded,
            counts.rejected,
            status,
        ],
    )
    if status == "loaded":
        refresh_current(con, landed.source_kind, landed.organisation)


def refresh_current(con: duckdb.DuckDBPyConnection, source_kind: str, organisation: str) -> None:
    """Flip is_current to the latest snapshot and chain superseded_by, set-based."""
    always_current = source_kind in ALWAYS_CURRENT_KINDS
    con.execute(
        """
        UPDATE raw.file_registry AS registry
        SET is_current = ranked.is_current, superseded_by = ranked.successor
        FROM (
            SELECT file_id,
                ? OR lead(file_id) OVER snapshots IS NULL AS is_current,
                CASE WHEN NOT ? THEN lead(file_id) OVER snapshots END AS successor
            FROM raw.file_registry
            WHERE status = 'loaded' AND source_kind = ? AND organisation = ?
            WINDOW snapshots AS (ORDER BY extraction_date, loaded_at, file_id)
        ) AS ranked
        WHERE registry.file_id = ranked.file_id
        """,
        [always_current, always_current, source_kind, organisation],
    )
