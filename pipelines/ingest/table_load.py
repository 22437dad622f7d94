"""Set-based load of one staged part of a file into its raw table, with row and field
rejects.

Steps, all SQL: rename delivered headings to raw columns (`map_stage`), redact any
personnummer typed into a field and type every value, naming what is wrong with it
(`type_rows`), add the usable rows that may be stored and one `rejects` row per problem
to the file's staging database (`stage_rows`), which the file's transaction copies into
`raw` (`staging.copy_staged`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipelines.ingest.landing import LandedFile
from pipelines.ingest.mappings import Mapping, normalise_label_sql
from pipelines.ingest.personnummer_sql import (
    create_text_macros,
    personnummer_select,
    pseudonymous_case_id_sql,
    redact_sql,
)
from pipelines.ingest.pseudonym import hmac_pads
from pipelines.ingest.registry import RowCounts
from pipelines.ingest.schema import DATA_TABLES
from pipelines.ingest.staging import Staging
from pipelines.ingest.values_sql import Field

PERSONNUMMER_INPUTS = ("personnummer", "protected_identity")
REDACTED_REASON = "personnummer eller samordningsnummer i fältet borttaget"
PSEUDONYMISED_REASON = "personnummer i ÄrendeID ersatt med pseudonymt ärende-id"


@dataclass
class TableLoad:
    """What to load: typed fields, how raw columns are computed, and the row identity."""

    table: str
    fields: list[Field]
    targets: dict[str, str] = field(default_factory=dict)
    personnummer: bool = False
    empty_personnummer_is_protected: bool = False
    case_id: str | None = None
    personnummer_heading: str = "Personnummer"
    free_text: tuple[str, ...] = ()  # fields where lookalikes are redacted too
    personnummer_required: bool = False  # a row with no usable one is rejected
    # SQL condition on a typed row for it to be stored: usable rows failing it are dropped
    # (counted, not stored, no findings logged) and left in temp table `dropped` for the
    # loader to summarise and drop before the next part. It may read only raw tables the
    # file does not write: it is evaluated on the staging cursor, before the transaction.
    stored_if: str | None = None


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def mapped_fields(mapping: Mapping, resolved: dict[str, str], table: str) -> list[Field]:
    """Typed fields of the mapped columns (personnummer inputs are handled apart)."""
    types = DATA_TABLES[table]
    names = [c for c in resolved if c not in PERSONNUMMER_INPUTS]
    names += [c for c in mapping.constants if c not in resolved]
    return [
        Field(
            name=name,
            heading=resolved.get(name) or mapping.columns.get(name, [name])[0],
            sql_type=mapping.value_types.get(name) or types.get(name, "VARCHAR"),
            required=name in mapping.required_values,
            expected=name in mapping.expected_values,
            allow_negative=name in mapping.allow_negative,
            allowed=tuple(str(v) for v in mapping.allowed_values.get(name, ())),
        )
        for name in names
    ]


def _translated(column: str, code_list: str | None, mapping: Mapping) -> str:
    """A code column with the register's own labels replaced by kind A labels."""
    translations = mapping.codes.get(code_list or "", {})
    if not translations:
        return quote(column)
    normalised = normalise_label_sql(quote(column))
    cases = " ".join(
        f"WHEN {normalise_label_sql(literal(label))} THEN {literal(target)}"
        for label, target in translations.items()
    )
    return f"CASE {normalised} {cases} ELSE {quote(column)} END"


def map_stage(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    mapping: Mapping,
    resolved: dict[str, str],
    computed: dict[str, str] | None = None,
) -> None:
    """Temp table `mapped`: row_number plus raw-named text columns, constants filled in."""
    columns = [
        f"{_translated(heading, mapping.code_lists.get(name), mapping)} AS {quote(name)}"
        for name, heading in resolved.items()
    ]
    columns += [
        f"{literal(value)} AS {quote(name)}"
        for name, value in mapping.constants.items()
        if name not in resolved
    ]
    columns += [f"{sql} AS {quote(name)}" for name, sql in (computed or {}).items()]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW mapped AS SELECT row_number, {', '.join(columns)} "
        f"FROM {stage}"
    )


def _checked_columns(load: TableLoad) -> list[str]:
    """Second pass: the usable value, the problem and whether a value was delivered.

    Code labels are kept as delivered: whether one is on its code list is decided once, in
    dbt (models/quality/quality_validity.sql), never here.
    """
    columns = []
    for item in load.fields:
        problem = item.problem_sql()
        name = quote(item.name)
        columns.append(f"CASE WHEN ({problem}) IS NULL THEN {item.value} END AS {name}")
        columns.append(f"{problem} AS {quote(item.name + '__problem')}")
        columns.append(f"{item.text} IS NOT NULL AS {quote(item.name + '__given')}")
    return columns


def _cleaned_sql(load: TableLoad, item: Field, landed: LandedFile, value: str) -> str:
    """A field's text with personnummer removed: pseudonymised in the case id, else redacted."""
    if item.name == load.case_id:
        return pseudonymous_case_id_sql(value, landed.extraction_date)
    lookalikes = item.name in load.free_text
    return redact_sql(value, landed.extraction_date, lookalikes=lookalikes)


def _cleaning_lambda(load: TableLoad, landed: LandedFile) -> str:
    """One lambda over a row's fields as `{'field', 'value'}` structs, each kind of cleaning
    written once: per field, the rules would be bound by DuckDB once each (a second a file)."""
    kinds: dict[str, list[str]] = {}
    for item in load.fields:
        cleaning = _cleaned_sql(load, item, landed, "field.value")
        kinds.setdefault(cleaning, []).append(literal(item.name))
    *specific, (fallback, _) = kinds.items()
    if not specific:
        return f"lambda field: {fallback}"
    branches = " ".join(
        f"WHEN field.field IN ({', '.join(names)}) THEN {cleaning}" for cleaning, names in specific
    )
    return f"lambda field: CASE {branches} ELSE {fallback} END"


def _redacted_sql(load: TableLoad, landed: LandedFile) -> str:
    """`mapped` with every field cleaned and a `<field>__redacted` reason where it changed.

    Before typing, so no number typed by mistake reaches a raw column, a reject reason or
    a quoted label; the Personnummer column itself is parsed apart (`personnummer_select`).
    """
    if not load.fields:
        return "mapped"
    names = [item.name for item in load.fields]
    fields = ", ".join(
        f"{{'field': {literal(name)}, 'value': {quote(name)}::VARCHAR}}" for name in names
    )
    cleaned = f"list_transform([{fields}], {_cleaning_lambda(load, landed)}) AS fields__clean"
    swapped = ", ".join(
        f"fields__clean[{index}] AS {quote(name)}, CASE WHEN fields__clean[{index}] "
        f"IS DISTINCT FROM {quote(name)} THEN "
        f"{literal(PSEUDONYMISED_REASON if name == load.case_id else REDACTED_REASON)} "
        f"END AS {quote(name + '__redacted')}"
        for index, name in enumerate(names, start=1)
    )
    dropped = ", ".join(quote(name) for name in [*names, "fields__clean"])
    return f"(SELECT * EXCLUDE ({dropped}), {swapped} FROM (SELECT *, {cleaned} FROM mapped))"


def _nulled_fields_sql(load: TableLoad) -> str:
    """Raw `nulled_fields`: the raw columns of a row whose delivered value was present but
    unusable and so set null (an empty value is not listed: it was not delivered), plus
    `personnummer` when a row that is not a protected identity has no usable one (missing
    included). dbt counts such a row by the domain's rules, e.g. an exit reason whose
    Avslutsdatum was unreadable (`list_contains(nulled_fields, 'exit_date')`)."""
    columns = DATA_TABLES[load.table]
    flagged = ", ".join(
        f"CASE WHEN {quote(item.name + '__given')} "
        f"AND {quote(item.name + '__problem')} IS NOT NULL THEN {literal(item.name)} END"
        for item in load.fields
        if item.name in columns
    )
    fields = f"list_filter([{flagged}]::VARCHAR[], lambda name: name IS NOT NULL)"
    if load.personnummer:
        return f"list_concat(personnummer__nulled, {fields})"
    return fields


def type_rows(
    con: duckdb.DuckDBPyConnection, load: TableLoad, landed: LandedFile, key: bytes
) -> None:
    """Temp table `typed`: typed values, `<field>__problem` reasons, `row_rejected`."""
    source = _redacted_sql(load, landed)
    keyed = load.personnummer or any(item.name == load.case_id for item in load.fields)
    parameters = hmac_pads(key) if keyed else {}
    required = [f"{quote(i.name + '__problem')} IS NOT NULL" for i in load.fields if i.required]
    if load.personnummer_required:
        required.append("person_id IS NULL")
    if load.personnummer:
        derived = personnummer_select(
            source,
            landed.extraction_date,
            empty_means_protected=load.empty_personnummer_is_protected,
        )
        source = f"({derived})"
    fields = ", ".join(quote(item.name) for item in load.fields)
    create_text_macros(con)
    parsed = ", ".join(sql for item in load.fields for sql in item.parse_sql())
    intermediate = ", ".join(f"{item.text}, {item.value}" for item in load.fields)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE typed AS SELECT *, {' OR '.join(required) or 'false'} "
        f"AS row_rejected, {_nulled_fields_sql(load)} AS nulled_fields "
        f"FROM (SELECT * EXCLUDE ({intermediate}), "
        f"{', '.join(_checked_columns(load))} FROM ("
        f"SELECT * EXCLUDE ({fields}), {parsed} FROM {source} AS source))",
        parameters,
    )


def file_values(landed: LandedFile, row_number: str = "row_number") -> dict[str, str]:
    """SQL of the file columns every raw row carries (FILE_COLUMNS)."""
    return {
        "file_id": literal(landed.file_id),
        "source_file": literal(landed.name),
        "row_number": row_number,
        "organisation": literal(landed.organisation or ""),
        "extraction_date": f"DATE '{landed.extraction_date.isoformat()}'",
    }


def _stored_sql(load: TableLoad) -> str:
    """Whether a usable row of `typed` is stored (an unknown answer is a no)."""
    return f"coalesce(({load.stored_if}), false)" if load.stored_if else "true"


def _insert_loaded(
    con: duckdb.DuckDBPyConnection, load: TableLoad, landed: LandedFile, target: str
) -> None:
    available = {row[0] for row in con.execute("DESCRIBE typed").fetchall()}
    values = file_values(landed)
    for column in DATA_TABLES[load.table]:
        default = quote(column) if column in available else "NULL"
        values[column] = load.targets.get(column, default)
    names = ", ".join(quote(column) for column in values)
    con.execute(
        f"INSERT INTO {target} ({names}) "
        f"SELECT {', '.join(values.values())} FROM typed WHERE NOT row_rejected "
        f"AND {_stored_sql(load)}"
    )


NULLED_OR_REJECTED = "CASE WHEN row_rejected THEN 'row_rejected' ELSE 'field_nulled' END"


def _problem_selects(load: TableLoad) -> list[str]:
    """(field heading, reason, action) per problem column of `typed`."""
    triples = []
    if load.personnummer:
        triples.append((load.personnummer_heading, "personnummer__problem", NULLED_OR_REJECTED))
        corrected = "'field_corrected'"
        triples.append((load.personnummer_heading, "personnummer__corrected", corrected))
    for item in load.fields:
        triples.append((item.heading, f"{item.name}__problem", NULLED_OR_REJECTED))
        cleaned = "case_id_pseudonymised" if item.name == load.case_id else "field_redacted"
        triples.append((item.heading, f"{item.name}__redacted", literal(cleaned)))
    case_id = load.case_id or "NULL"
    logged = f"row_rejected OR {_stored_sql(load)}"  # nothing of a dropped row
    return [
        f"SELECT row_number, {literal(heading)} AS field, {quote(column)} AS reason, "
        f"{action} AS action, {case_id}::VARCHAR AS case_id "
        f"FROM typed WHERE {quote(column)} IS NOT NULL AND ({logged})"
        for heading, column, action in triples
    ]


def _insert_rejects(
    con: duckdb.DuckDBPyConnection, load: TableLoad, landed: LandedFile, target: str
) -> None:
    selects = _problem_selects(load)
    if not selects:
        return
    con.execute(
        f"INSERT INTO {target} SELECT ?, ?, ?, row_number, field, reason, action, case_id, "
        f"now()::TIMESTAMP FROM ({' UNION ALL '.join(selects)})",
        [landed.file_id, landed.name, landed.source_kind],
    )


def stage_rows(staging: Staging, load: TableLoad, landed: LandedFile, key: bytes) -> RowCounts:
    """Type the `mapped` rows of a part, stage the usable ones and every problem; returns
    the part's counts."""
    con = staging.cursor
    type_rows(con, load, landed, key)
    _insert_loaded(con, load, landed, staging.table_like(load.table))
    _insert_rejects(con, load, landed, staging.table_like("rejects"))
    stored = _stored_sql(load)
    read, rejected, dropped = con.execute(
        "SELECT count(*), count(*) FILTER (row_rejected), "
        f"count(*) FILTER (NOT row_rejected AND NOT ({stored})) FROM typed"
    ).fetchall()[0]
    if load.stored_if:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE dropped AS SELECT * FROM typed "
            f"WHERE NOT row_rejected AND NOT ({stored})"
        )
    con.execute("DROP TABLE typed")
    con.execute("DROP VIEW mapped")
    loaded = read - rejected - dropped
    return RowCounts(read=read, loaded=loaded, rejected=rejected, dropped=dropped)
