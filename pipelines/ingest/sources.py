"""One loader per source kind: read the delivery, apply its mapping, stage its raw rows.

Each loader stages the file, part by part, into its staging database (`staging`), which
the caller's transaction then copies into the raw layer, and returns the file's row
counts; an unreadable file raises `UnreadableFileError` before anything is copied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from pipelines.ingest.consent import has_consent_sql
from pipelines.ingest.income_support import record_extract, summarise_dropped
from pipelines.ingest.landing import LandedFile
from pipelines.ingest.mappings import Mapping, load_mapping, load_register_mapping, source_mapping
from pipelines.ingest.personnummer_sql import whole_years_sql
from pipelines.ingest.readers import drop_stage, stage_csv, stage_csv_parts, stage_sheet
from pipelines.ingest.registry import RowCounts
from pipelines.ingest.staging import Staging
from pipelines.ingest.table_load import (
    PERSONNUMMER_INPUTS,
    TableLoad,
    literal,
    map_stage,
    mapped_fields,
    quote,
    stage_rows,
)
from pipelines.ingest.unreadable import UnreadableFileError
from pipelines.ingest.values_sql import Field

Loader = Callable[[Staging, LandedFile, bytes], RowCounts]
MapPart = Callable[[list[str]], None]

STAGE = "stage"


def _stage_parts(
    staging: Staging,
    landed: LandedFile,
    key: bytes,
    load: TableLoad,
    parts: Iterable[list[str]],
    map_part: MapPart,
    after_part: Callable[[], None] | None = None,
) -> RowCounts:
    """Map and stage each staged part (`parts` yields its headings) before the next is read."""
    counts = RowCounts()
    for headings in parts:
        map_part(headings)
        counts += stage_rows(staging, load, landed, key)
        if after_part:
            after_part()
        drop_stage(staging.cursor, STAGE)
    return counts


def _csv_parts(
    staging: Staging, landed: LandedFile, delimiter: str, trailer: str | None = None
) -> Iterator[list[str]]:
    return stage_csv_parts(
        staging.cursor, landed.content, STAGE, delimiter, trailer, staging.part_bytes
    )


def _sheet_parts(staging: Staging, landed: LandedFile, sheet: str) -> Iterator[list[str]]:
    """A sheet is one part (`content_limits` bounds its size)."""
    yield stage_sheet(staging.cursor, landed.content, sheet, STAGE)


def _mapped(
    staging: Staging,
    mapping: Mapping,
    load: TableLoad,
    computed_for: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> MapPart:
    """Resolve a part's headings and map it (temp view `mapped`); `computed_for` adds
    columns computed in SQL, given the resolved headings."""

    def map_part(headings: list[str]) -> None:
        resolved = mapping.resolve(headings)
        # Declared but not delivered: an empty column, so every expression binds.
        absent = [c for c in mapping.columns if c not in resolved and c not in mapping.constants]
        if load.personnummer:
            absent += [c for c in PERSONNUMMER_INPUTS if c not in resolved]
        computed = {
            **dict.fromkeys(absent, "NULL::VARCHAR"),
            **(computed_for(resolved) if computed_for else {}),
        }
        map_stage(staging.cursor, STAGE, mapping, resolved, computed)
        load.fields = mapped_fields(mapping, resolved | dict.fromkeys(computed, ""), load.table)
        load.empty_personnummer_is_protected = mapping.empty_personnummer == "protected"
        if "personnummer" in resolved:
            load.personnummer_heading = resolved["personnummer"]

    return map_part


def _case_enrolments(
    staging: Staging, landed: LandedFile, key: bytes, mapping: Mapping
) -> RowCounts:
    """Kinds A and B share one raw table; B without case ids numbers its rows."""
    if mapping.sheet:
        parts = _sheet_parts(staging, landed, mapping.sheet)
    else:
        parts = _csv_parts(staging, landed, ";")
    numbered = {"case_id": f"{literal(landed.organisation + '-')} || row_number"}
    age_on = "coalesce(enrolment_date, referral_date)"
    has_gender = "gender" in mapping.columns
    has_consent = "follow_up_consent" in mapping.columns
    load = TableLoad(
        table="case_enrolments",
        fields=[],
        targets={
            "source_kind": literal(landed.source_kind),
            "gender": "coalesce(pnr_gender, upper(gender))" if has_gender else "pnr_gender",
            "age_at_enrolment": whole_years_sql("birth_date", age_on),
            "follow_up_consent": "upper(follow_up_consent)" if has_consent else "NULL",
        },
        personnummer=True,
        case_id="case_id",
    )
    map_part = _mapped(
        staging, mapping, load, lambda resolved: {} if resolved.get("case_id") else numbered
    )
    return _stage_parts(staging, landed, key, load, parts, map_part)


def load_gwa(staging: Staging, landed: LandedFile, key: bytes) -> RowCounts:
    return _case_enrolments(staging, landed, key, load_mapping("gwa"))


def load_register(staging: Staging, landed: LandedFile, key: bytes) -> RowCounts:
    return _case_enrolments(staging, landed, key, load_register_mapping(landed.organisation))


def load_esf(staging: Staging, landed: LandedFile, key: bytes) -> RowCounts:
    load = TableLoad(
        table="esf_participants",
        fields=[],
        targets={
            "project_number": f"coalesce(project_number, {literal(landed.organisation)})",
            "gender": "coalesce(pnr_gender, CASE gender_code WHEN '1' THEN 'M' "
            "WHEN '2' THEN 'K' END)",
            "age_at_start": whole_years_sql("birth_date", "start_date"),
        },
        personnummer=True,
    )
    map_part = _mapped(staging, load_mapping("esf"), load)
    return _stage_parts(staging, landed, key, load, _csv_parts(staging, landed, ";"), map_part)


def load_ledger(staging: Staging, landed: LandedFile, key: bytes) -> RowCounts:
    # Text is free text: personnummer with a wrong check digit are redacted there too.
    load = TableLoad(table="ledger_transactions", fields=[], free_text=("text",))
    map_part = _mapped(staging, load_mapping("ledger"), load)
    return _stage_parts(staging, landed, key, load, _csv_parts(staging, landed, ";"), map_part)


def load_income_support(staging: Staging, landed: LandedFile, key: bytes) -> RowCounts:
    """Kind F: only rows of persons with follow-up consent now are stored; the others,
    and the trailer's unknown persons, are counted in the extract's row."""
    mapping = source_mapping(landed.source_kind, landed.organisation)
    load = TableLoad(
        table="income_support_months",
        fields=[],
        targets={"gender": "pnr_gender"},
        personnummer=True,
        personnummer_required=True,
        stored_if=has_consent_sql("person_id"),
    )
    parts = _csv_parts(staging, landed, ";", mapping.trailer_prefix)
    map_part = _mapped(staging, mapping, load)
    counts = _stage_parts(
        staging, landed, key, load, parts, map_part, lambda: summarise_dropped(staging.cursor)
    )
    record_extract(staging, landed, mapping)
    return counts


def _year_sql(landed: LandedFile) -> str:
    return str(landed.extraction_date.year)


def load_budget(staging: Staging, landed: LandedFile, key: bytes) -> RowCounts:
    """Both sheets of a budget workbook: the budget lines and the funding shares."""
    counts = RowCounts()
    for mapping_name, table in (("budget", "budget_lines"), ("budget_funding", "funding_shares")):
        mapping = load_mapping(mapping_name)
        load = TableLoad(table=table, fields=[], targets={"year": _year_sql(landed)})
        parts = _sheet_parts(staging, landed, mapping.sheet)
        counts += _stage_parts(staging, landed, key, load, parts, _mapped(staging, mapping, load))
    return counts


def load_forecast(staging: Staging, landed: LandedFile, key: bytes) -> RowCounts:
    mapping = load_mapping("forecast")
    forecast_date = f"DATE '{landed.extraction_date.isoformat()}'"
    load = TableLoad(table="forecast_lines", fields=[], targets={"forecast_date": forecast_date})
    parts = _sheet_parts(staging, landed, mapping.sheet)
    return _stage_parts(staging, landed, key, load, parts, _mapped(staging, mapping, load))


def load_population(staging: Staging, landed: LandedFile, key: bytes) -> RowCounts:
    """PX-Web table: one column per year, unpivoted to one row per region, age, sex, year."""
    mapping = load_mapping("population")
    con = staging.cursor
    headings = stage_csv(con, landed.content, STAGE, ",")
    resolved = mapping.resolve(headings)
    years = [heading for heading in headings if re.fullmatch(r"\s*\d{4}\s*", heading)]
    if not years:
        raise UnreadableFileError(
            'inga årskolumner (t.ex. "2024") i befolkningstabellen',
            'no year columns (e.g. "2024") in the population table',
        )
    renamed = ", ".join(f"{quote(heading)} AS {quote(name)}" for name, heading in resolved.items())
    year_columns = ", ".join(quote(year) for year in years)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW mapped AS SELECT row_number, {renamed}, year, population "
        f"FROM (UNPIVOT {STAGE} ON {year_columns} INTO NAME year VALUE population) "
        "ORDER BY row_number, year"
    )
    load = TableLoad(
        table="population",
        fields=[
            Field("region", resolved["region"], "VARCHAR", required=True),
            Field("age_band", resolved["age_band"], "VARCHAR", required=True),
            Field("gender", resolved["gender"], "VARCHAR", True, allowed=("män", "kvinnor")),
            Field("year", "år", "INTEGER", required=True),
            Field("population", "befolkning", "INTEGER", required=True),
        ],
        targets={
            "region_code": "regexp_extract(region, '^(\\d+)', 1)",
            "region_name": "nullif(trim(regexp_replace(region, '^\\d+\\s*', '')), '')",
            "age_from": "try_cast(nullif(regexp_extract(age_band, '^(\\d+)', 1), '') AS INTEGER)",
            "age_to": "try_cast(nullif(regexp_extract(age_band, '-\\s*(\\d+)', 1), '') AS INTEGER)",
            "gender": "CASE lower(gender) WHEN 'män' THEN 'M' WHEN 'kvinnor' THEN 'K' END",
        },
    )
    counts = stage_rows(staging, load, landed, key)
    drop_stage(con, STAGE)
    return counts


LOADERS: dict[str, Loader] = {
    "gwa": load_gwa,
    "register": load_register,
    "esf": load_esf,
    "population": load_population,
    "ledger": load_ledger,
    "budget": load_budget,
    "forecast": load_forecast,
    "income_support": load_income_support,
}
