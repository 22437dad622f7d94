"""Kind F's file-level figures: one `raw.income_support_extracts` row per loaded extract.

What the extract covers (its first and last month) and, as counts only, the persons it
named but the warehouse does not store: those the agency did not know (the trailer line),
those in a case system without follow-up consent, and those in no case system at all.
Staged with the file's rows, under its file_id, so it is superseded with it.
"""

from __future__ import annotations

import re

import duckdb

from pipelines.ingest.consent import case_persons_sql
from pipelines.ingest.landing import LandedFile
from pipelines.ingest.mappings import Mapping
from pipelines.ingest.readers import trailer_lines
from pipelines.ingest.staging import Staging
from pipelines.ingest.table_load import file_values, quote

DROPPED_PERSONS = "dropped_persons"
UNREADABLE_TRAILER = "slutraden kunde inte läsas: väntat '{prefix} {label}: N' (N ett antal)"


def _trailer_counts(
    staging: Staging, landed: LandedFile, mapping: Mapping
) -> dict[str, int | None]:
    """Each declared trailer count; one a trailer line names but unreadably is a finding."""
    prefix = mapping.trailer_prefix or ""
    lines = trailer_lines(landed.content, prefix) if prefix else []
    counts: dict[str, int | None] = {}
    for column, label in mapping.trailer_counts.items():
        named = [line for line in lines if label.lower() in line.lower()]
        pattern = rf"{re.escape(prefix)}\s*{re.escape(label)}\s*:\s*(\d+)"
        read = re.fullmatch(pattern, named[-1], re.IGNORECASE) if named else None
        counts[column] = int(read[1]) if read else None
        if named and read is None:
            reason = UNREADABLE_TRAILER.format(prefix=prefix, label=label)
            staging.cursor.execute(
                f"INSERT INTO {staging.table_like('rejects')} VALUES (?, ?, ?, 0, ?, ?, "
                "'field_nulled', NULL, now()::TIMESTAMP)",
                [landed.file_id, landed.name, landed.source_kind, label, reason],
            )
    return counts


def summarise_dropped(con: duckdb.DuckDBPyConnection) -> None:
    """Fold temp table `dropped` (a part's rows that are not stored, see
    `TableLoad.stored_if`) into temp table `dropped_persons`: per person, whether a case
    system knows them, their rows and months. Only counts of them are kept, and their
    rows never leave memory."""
    con.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {DROPPED_PERSONS} (person_id VARCHAR, "
        "in_case_system BOOLEAN, rows BIGINT, first_month DATE, last_month DATE)"
    )
    con.execute(
        f"INSERT INTO {DROPPED_PERSONS} SELECT person_id, person_id IN ({case_persons_sql()}), "
        "count(*), min(month), max(month) FROM dropped GROUP BY person_id"
    )
    con.execute("DROP TABLE dropped")


def record_extract(staging: Staging, landed: LandedFile, mapping: Mapping) -> None:
    """Stage the extract's row from its staged rows and temp table `dropped_persons`
    (`summarise_dropped`), then drop `dropped_persons`."""
    counts = _trailer_counts(staging, landed, mapping)
    without_consent = "is_dropped AND in_case_system"
    unknown = "is_dropped AND NOT in_case_system"
    values = {
        **file_values(landed, row_number="0"),
        "first_month": "min(first_month)",
        "last_month": "max(last_month)",
        **{column: "NULL" if value is None else str(value) for column, value in counts.items()},
        "persons_without_consent": f"count(DISTINCT person_id) FILTER ({without_consent})",
        "rows_without_consent": f"coalesce(sum(rows) FILTER ({without_consent}), 0)",
        "persons_not_in_case_system": f"count(DISTINCT person_id) FILTER ({unknown})",
        "rows_not_in_case_system": f"coalesce(sum(rows) FILTER ({unknown}), 0)",
    }
    staging.cursor.execute(
        f"INSERT INTO {staging.table_like('income_support_extracts')} "
        f"({', '.join(quote(c) for c in values)}) SELECT {', '.join(values.values())} FROM ("
        "SELECT person_id, false AS is_dropped, false AS in_case_system, 1 AS rows, "
        "month AS first_month, month AS last_month "
        f"FROM {staging.table_like('income_support_months')} "
        "UNION ALL SELECT person_id, true, in_case_system, rows, first_month, last_month "
        f"FROM {DROPPED_PERSONS})"
    )
    staging.cursor.execute(f"DROP TABLE {DROPPED_PERSONS}")
