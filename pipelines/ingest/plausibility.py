"""A new snapshot replaces the current one only if it is plausible against it.

A full snapshot that loaded few of its rows, or far fewer than the snapshot it would
supersede, is more likely a broken export or a half-finished upload than a real change:
taking it would drop an organisation's cases from every mart. Such a delivery is held
(rolled back, quarantined with the figures) until a steward accepts it by name.
"""

from __future__ import annotations

import duckdb

from pipelines.ingest.landing import LandedFile
from pipelines.ingest.limits import Limits
from pipelines.ingest.registry import ALWAYS_CURRENT_KINDS, RowCounts, current_snapshot
from pipelines.ingest.unreadable import UnreadableFileError

HELD = "misstänkt ofullständig leverans"
ACCEPT_ACTION = (
    "är leveransen riktig (till exempel verkligen färre ärenden), lägg filnamnet under "
    "ingest.accept_deliveries i konfigurationen (FINSAM_CONFIG) och flytta tillbaka filen "
    "till landningsmappen under samma namn; annars be avsändaren om en fullständig fil. "
    "Den tidigare leveransen är aktuell tills dess",
    "if the delivery is right (say, there really are fewer cases), list the file name under "
    "ingest.accept_deliveries in the configuration (FINSAM_CONFIG) and move the file back "
    "into the landing folder under the same name; otherwise ask the sender for a complete "
    "file. The previous delivery stays current until then",
)


class HeldDeliveryError(UnreadableFileError):
    """A loadable but implausible snapshot: rolled back and quarantined with its counts."""

    def __init__(self, swedish: str, english: str, counts: RowCounts) -> None:
        super().__init__(swedish, english, ACCEPT_ACTION)
        self.counts = counts


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def check_plausible(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, counts: RowCounts, limits: Limits
) -> None:
    """Raise HeldDeliveryError if `landed` would become current but fails a floor."""
    if landed.source_kind in ALWAYS_CURRENT_KINDS or landed.name in limits.accept_deliveries:
        return
    previous = current_snapshot(con, landed.source_kind, landed.organisation)
    if previous is None or not previous.rows_loaded:
        return  # no cases that the new snapshot could take away
    if landed.extraction_date < previous.extraction_date:
        return  # an older delivery: it only adds history, never becomes current
    # Rows dropped on purpose (no follow-up consent) were readable: not a sign of a broken file.
    usable = counts.read - counts.dropped
    share = counts.loaded / usable if usable else float(counts.read > 0)
    ratio = counts.loaded / previous.rows_loaded
    if share >= limits.min_loaded_share and ratio >= limits.min_row_ratio:
        return
    raise HeldDeliveryError(
        f"{HELD}: {counts.loaded} av {usable} rader kunde läsas in ({_percent(share)}, "
        f"golvet är {_percent(limits.min_loaded_share)}); den aktuella leveransen "
        f"{previous.file_name} har {previous.rows_loaded} rader, den nya har "
        f"{_percent(ratio)} av dem (golvet är {_percent(limits.min_row_ratio)}); "
        f"{previous.file_name} förblir aktuell",
        f"suspected incomplete delivery: {counts.loaded} of {usable} rows could be "
        f"loaded ({_percent(share)}, the floor is {_percent(limits.min_loaded_share)}); the "
        f"current delivery {previous.file_name} has {previous.rows_loaded} rows, the new one "
        f"{_percent(ratio)} of them (the floor is {_percent(limits.min_row_ratio)}); "
        f"{previous.file_name} stays current",
        RowCounts(read=counts.read),
    )
