"""Kind F's file-level figures: one `raw.income_support_extracts` row per loaded extract.

What the extract covers (its first and last month) and, as counts only, the persons it
named but the warehouse does not store: those the agency did not know (the trailer line),
those in a case system without follow-up consent, and those in no case system at all.
Written in the file's own transaction, under its file_id, so it is superseded with it.
"""

from __future__ import annotations

import re

import duckdb

from pipelines.ingest.consent import case_persons_sql
from pipelines.ingest.landing import LandedFile
from pipelines.ingest.mappings import Mapping
from pipelines.ingest.readers import trailer_lines
from pipelines.ingest.table_load import file_values, literal, quote

UNREADABLE_TRAILER = "slutraden kunde inte läsas: väntat '{prefix} {label}: N' (N ett antal)"


def _trailer_counts(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, mapping: Mapping
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
            con.execute(
                "INSERT INTO raw.rejects VALUES (?, ?, ?, 0, ?, ?, 'field_nulled', NULL, "
                "now()::TIMESTAMP)",
                [landed.file_id, landed.name, landed.source_kind, label, reason],
            )
    return counts


def record_extract(con: duckdb.DuckDBPyConnection, landed: LandedFile, mapping: Mapping) -> None:
    """Insert the extract's row from its stored rows and temp table `dropped` (the rows
    of persons without consent, see `TableLoad.stored_if`), then drop `dropped`."""
    counts = _trailer_counts(con, landed, mapping)
    in_case_system = f"person_id IN ({case_persons_sql()})"
    without_consent = f"is_dropped AND {in_case_system}"
    unknown = f"is_dropped AND NOT {in_case_system}"
    values = {
        **file_values(landed, row_number="0"),
        "first_month": "min(month)",
        "last_month": "max(month)",
        **{column: "NULL" if value is None else str(value) for column, value in counts.items()},
        "persons_without_consent": f"count(DISTINCT person_id) FILTER ({without_consent})",
        "rows_without_consent": f"count(*) FILTER ({without_consent})",
        "persons_not_in_case_system": f"count(DISTINCT person_id) FILTER ({unknown})",
        "rows_not_in_case_system": f"count(*) FILTER ({unknown})",
    }
    con.execute(
        f"INSERT INTO raw.income_support_extracts ({', '.join(quote(c) for c in values)}) "
        f"SELECT {', '.join(values.values())} FROM ("
        "SELECT person_id, month, false AS is_dropped FROM raw.income_support_months "
        f"WHERE file_id = {literal(landed.file_id)} "
        "UNION ALL SELECT person_id, month, true FROM dropped)"
    )
    con.execute("DROP TABLE dropped")
