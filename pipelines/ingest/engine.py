"""Ingest the landed files of some source kinds: each file whole, once, or quarantined.

A file is staged part by part (`staging`), then copied into the raw layer in its own
transaction: its rows, rejects and registry row commit together, so a crash never leaves
half a file, and one bad file never stops the others. A file is read only if it is a
plain, settled file (`file_safety`), parsed only within the limits (`content_limits`),
and made current only if plausible (`plausibility`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.content_limits import check_content
from pipelines.ingest.file_safety import open_landed
from pipelines.ingest.landing import (
    FILE_PATTERNS,
    LandedFile,
    LandingEntry,
    kind_of,
    safe_name,
    scan_folder,
)
from pipelines.ingest.limits import Limits, load_limits
from pipelines.ingest.plausibility import HeldDeliveryError, check_plausible
from pipelines.ingest.pseudonym import redact_text
from pipelines.ingest.quarantine import quarantine
from pipelines.ingest.registry import RowCounts, log_delivery, register, registered_status
from pipelines.ingest.schema import ensure_raw_schema
from pipelines.ingest.sources import LOADERS
from pipelines.ingest.staging import copy_staged, release_staging, staging
from pipelines.ingest.unreadable import UnreadableFileError
from pipelines.settings import load_settings


class IngestError(RuntimeError):
    """A file failed for a reason other than its content; nothing of it was written."""


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one landed file in this run (no content, only names and counts)."""

    file_name: str
    source_kind: str | None
    status: str  # loaded, duplicate, quarantined, waiting (still being written)
    counts: RowCounts = RowCounts()
    fields_nulled: int = 0
    fields_redacted: int = 0  # personnummer found in a field and removed
    reason: str | None = None
    file_id: str | None = None  # its content hash; none for a file still being written

    @property
    def seen_again(self) -> bool:
        """A loaded file still in the landing, under the name it was loaded by."""
        return self.status == "duplicate" and self.reason == self.file_name


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

    @property
    def fields_redacted(self) -> int:
        return sum(outcome.fields_redacted for outcome in self.having("loaded"))


def _claims(path: Path, kinds: tuple[str, ...], unknown_folders: tuple[str, ...]) -> bool:
    kind = kind_of(path)
    return path.parent.name in unknown_folders if kind is None else kind in kinds


def _load(
    con: duckdb.DuckDBPyConnection,
    cursor: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    key: bytes,
    limits: Limits,
) -> FileOutcome:
    try:
        with staging(cursor, len(landed.content), limits.stage_part_bytes) as staged:
            counts = LOADERS[landed.source_kind](staged, landed, key)
        con.execute("BEGIN TRANSACTION")
        try:
            copy_staged(con, staged.database)
            check_plausible(con, landed, counts, limits)
            register(con, landed, "loaded", counts)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except duckdb.Error as error:
        # DuckDB may quote a failing value; the message must never carry a personnummer.
        raise IngestError(
            f"Inläsningen av {landed.name} avbröts och rullades tillbaka / loading "
            f"{landed.name} failed and was rolled back: {redact_text(str(error))}"
        ) from None
    finally:
        release_staging(con)
    nulled, redacted = con.execute(
        "SELECT count(*) FILTER (action = 'field_nulled'), "
        "count(*) FILTER (action IN ('field_redacted', 'case_id_pseudonymised')) "
        "FROM raw.rejects WHERE file_id = ?",
        [landed.file_id],
    ).fetchall()[0]
    return FileOutcome(
        landed.name, landed.source_kind, "loaded", counts, nulled, redacted, file_id=landed.file_id
    )


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    landed: LandedFile,
    problem: UnreadableFileError,
    already_registered: bool,
) -> FileOutcome:
    quarantine(landing, landed, problem)
    if not already_registered:
        counts = problem.counts if isinstance(problem, HeldDeliveryError) else RowCounts()
        register(con, landed, "quarantined", counts)
    return FileOutcome(
        landed.name, landed.source_kind, "quarantined", reason=str(problem), file_id=landed.file_id
    )


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    cursor: duckdb.DuckDBPyConnection,
    landing: Path,
    landed: LandedFile,
    key: bytes,
    limits: Limits,
) -> FileOutcome:
    """Load one file unless its content was loaded before; quarantine it if unreadable.

    `cursor`, a cursor of `con`, stages the file (`staging`)."""
    previous = registered_status(con, landed.file_id)
    if previous and previous[0] == "loaded":
        return FileOutcome(
            landed.name, landed.source_kind, "duplicate", reason=previous[1], file_id=landed.file_id
        )
    try:
        if landed.problem:
            raise landed.problem
        check_content(landed, limits)
        return _load(con, cursor, landed, key, limits)
    except UnreadableFileError as problem:
        return _quarantine(con, landing, landed, problem, previous is not None)


def _waiting(entry: LandingEntry) -> FileOutcome:
    """A file changed too recently to be complete: left in place for a later run."""
    age, settle = round(entry.age_seconds), round(entry.settle_seconds)
    return FileOutcome(
        safe_name(entry.path.name),
        kind_of(entry.path),
        "waiting",
        reason=f"ändrad för {age} s sedan, läses när den varit orörd i {settle} s / "
        f"changed {age} s ago, read once untouched for {settle} s",
    )


def ingest(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    key: bytes,
    kinds: tuple[str, ...],
    unknown_folders: tuple[str, ...] = (),
    limits: Limits | None = None,
    settle_seconds: float | None = None,
    run_id: str = "",
) -> IngestReport:
    """Ingest every landed entry of `kinds` (and unrecognised ones in `unknown_folders`),
    each outcome but a wait logged in `raw.delivery_log` under `run_id`.

    Limits and the settle time default to the installation's (FINSAM_CONFIG's `ingest:`
    section over `limits.yml`, FINSAM_SETTLE_SECONDS).
    """
    ensure_raw_schema(con)
    release_staging(con)  # what a killed run left
    settings = load_settings()
    limits = limits or load_limits(settings.config)
    settle = settings.settle_seconds if settle_seconds is None else settle_seconds
    folders = sorted({FILE_PATTERNS[kind][0] for kind in kinds} | set(unknown_folders))
    report = IngestReport()
    cursor = con.cursor()
    try:
        for folder in folders:
            for entry in scan_folder(landing, folder, settle):
                if _claims(entry.path, kinds, unknown_folders):
                    report.outcomes.append(
                        _handle(con, cursor, landing, entry, key, limits, run_id)
                    )
    finally:
        cursor.close()
    return report


def _handle(
    con: duckdb.DuckDBPyConnection,
    cursor: duckdb.DuckDBPyConnection,
    landing: Path,
    entry: LandingEntry,
    key: bytes,
    limits: Limits,
    run_id: str,
) -> FileOutcome:
    """One landed entry's outcome, logged in `raw.delivery_log` unless it waits or was
    seen before under the same name."""
    if entry.is_settling:
        return _waiting(entry)
    landed = open_landed(entry, limits)
    try:
        outcome = ingest_file(con, cursor, landing, landed, key, limits)
    finally:
        landed.close()
    if not outcome.seen_again:
        log_delivery(
            con, run_id, outcome.file_id, outcome.file_name, outcome.status, outcome.reason
        )
    return outcome
