"""Ingest the landed files of some source kinds: each file whole, once, or quarantined.

Every file is its own transaction: its rows, rejects and registry row commit together,
so a crash never leaves half a file, and one bad file never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.landing import (
    FILE_PATTERNS,
    LandedFile,
    UnreadableFileError,
    kind_of,
    landed_files,
    read_landed,
)
from pipelines.ingest.pseudonym import redact_text
from pipelines.ingest.quarantine import quarantine
from pipelines.ingest.registry import RowCounts, register, registered_status
from pipelines.ingest.schema import ensure_raw_schema
from pipelines.ingest.sources import LOADERS


class IngestError(RuntimeError):
    """A file failed for a reason other than its content; nothing of it was written."""


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one landed file in this run (no content, only names and counts)."""

    file_name: str
    source_kind: str | None
    status: str  # loaded, duplicate, quarantined
    counts: RowCounts = RowCounts()
    fields_nulled: int = 0
    reason: str | None = None


@dataclass
class IngestReport:
    """Outcomes of one asset's run, summarised as the counts Dagster shows."""

    outcomes: list[FileOutcome] = field(default_factory=list)

    def having(self, status: str) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def rows(self) -> RowCounts:
        return sum((outcome.counts for outcome in self.having("loaded")), RowCounts())

    @property
    def fields_nulled(self) -> int:
        return sum(outcome.fields_nulled for outcome in self.having("loaded"))


def _claims(path: Path, kinds: tuple[str, ...], unknown_folders: tuple[str, ...]) -> bool:
    kind = kind_of(path)
    return path.parent.name in unknown_folders if kind is None else kind in kinds


def _load(con: duckdb.DuckDBPyConnection, landed: LandedFile, key: bytes) -> FileOutcome:
    con.execute("BEGIN TRANSACTION")
    try:
        counts = LOADERS[landed.source_kind](con, landed, key)
        register(con, landed, "loaded", counts)
        con.execute("COMMIT")
    except UnreadableFileError:
        con.execute("ROLLBACK")
        raise
    except duckdb.Error as error:
        con.execute("ROLLBACK")
        # DuckDB may quote a failing value; the message must never carry a personnummer.
        raise IngestError(
            f"Inläsningen av {landed.name} avbröts och rullades tillbaka / loading "
            f"{landed.name} failed and was rolled back: {redact_text(str(error))}"
        ) from None
    except BaseException:
        con.execute("ROLLBACK")
        raise
    nulled = con.execute(
        "SELECT count(*) FROM raw.rejects WHERE file_id = ? AND action = 'field_nulled'",
        [landed.file_id],
    ).fetchall()[0][0]
    return FileOutcome(landed.name, landed.source_kind, "loaded", counts, nulled)


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    landed: LandedFile,
    problem: UnreadableFileError,
    already_registered: bool,
) -> FileOutcome:
    quarantine(landing, landed, problem)
    if not already_registered:
        register(con, landed, "quarantined", RowCounts(read=0))
    return FileOutcome(landed.name, landed.source_kind, "quarantined", reason=str(problem))


def ingest_file(
    con: duckdb.DuckDBPyConnection, landing: Path, landed: LandedFile, key: bytes
) -> FileOutcome:
    """Load one file unless its content was loaded before; quarantine it if unreadable."""
    previous = registered_status(con, landed.file_id)
    if previous and previous[0] == "loaded":
        return FileOutcome(landed.name, landed.source_kind, "duplicate", reason=previous[1])
    try:
        if landed.problem:
            raise landed.problem
        return _load(con, landed, key)
    except UnreadableFileError as problem:
        return _quarantine(con, landing, landed, problem, previous is not None)


def ingest(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    key: bytes,
    kinds: tuple[str, ...],
    unknown_folders: tuple[str, ...] = (),
) -> IngestReport:
    """Ingest every landed file of `kinds` (and unrecognised files in `unknown_folders`)."""
    ensure_raw_schema(con)
    folders = sorted({FILE_PATTERNS[kind][0] for kind in kinds} | set(unknown_folders))
    report = IngestReport()
    for folder in folders:
        for path in landed_files(landing, folder):
            if _claims(path, kinds, unknown_folders):
                landed = read_landed(path)
                report.outcomes.append(ingest_file(con, landing, landed, key))
    return report
