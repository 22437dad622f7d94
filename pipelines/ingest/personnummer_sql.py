"""Personnummer parsed, validated and pseudonymised set-based in DuckDB SQL.

Accepted forms: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN and YYMMDD+NNNN
(`+` = 100 years or older), spaces around the separator allowed. Samordningsnummer have
day + 60. For the YY forms the century is the latest one that makes the person born on or
before the extraction date (100 years earlier with `+`, unless that would make the person
older than 105 on it: such a `+` is a mistyped `-` and read as one, so the person gets the
pseudonym of the `-` form). The last digit is a Luhn check digit over the ten digits from
YY; the second-to-last is odd for men.

The same rules run twice: over the Personnummer column (`personnummer_select`, one CTE
per step) and over every other delivered text, where a number typed by mistake is found
and redacted or pseudonymised (`redact_sql`, `pseudonymous_case_id_sql`, the steps as
struct fields inside list lambdas, so a value costs one regular expression when clean).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb

from pipelines.ingest.pseudonym import REDACTED, hmac_sql

PROTECTED_VALUES = ("J", "JA")
MAX_AGE = 105  # older than this with `+` is read as `-`
CORRECTED_PLUS = "'+' läst som '-' (annars äldre än 105 år)"
CORRECTED_PLUS_SQL = "'" + CORRECTED_PLUS.replace("'", "''") + "'"

# The delivered columns a row's identity is derived from. Nothing else of the derivation
# leaves it but the columns `derived` names: no work column holding digits survives.
IDENTITY_COLUMNS = ("personnummer", "protected_identity")

SPACE = r"[\s\x{00A0}]*"
FORM = rf"(\d{{6}}|\d{{8}}){SPACE}[-+]?{SPACE}\d{{4}}"
# A candidate starts after a non-digit and swallows any further digits, so a longer
# number (an account, an amount) fails the form check instead of yielding a fragment.
CANDIDATE = rf"(?:^|[^0-9])((?:\d{{8}}|\d{{6}}){SPACE}[-+]?{SPACE}\d{{4}}\d*)"
# Cheap test first: most values are short or hold no ten digits in that shape.
GUARD = r"[0-9]{6}[\s\x{00A0}+-]*[0-9]{4}"
CASE_ID_PREFIX = "pn-"

Part = Callable[[str], str]


def _column(name: str) -> str:
    return name


def _luhn_sql(part: Part = _column) -> str:
    """Luhn over the ten digits of `pnr_tail` (weights 2,1,2,1,...), in integer arithmetic."""
    terms = []
    for index in range(10):
        digit = f"({part('pnr_number')} // {10 ** (9 - index)} % 10)"
        product = f"({digit} * {2 - index % 2})"
        terms.append(f"{product} // 10 + {product} % 10")
    return f"({' + '.join(terms)}) % 10 = 0"


def _day_sql(part: Part) -> str:
    """Day of month, samordningsnummer's + 60 removed."""
    day = part("pnr_day_raw")
    return f"({day} - CASE WHEN {day} > 60 THEN 60 ELSE 0 END)"


def _century_sql(reference: str, part: Part, plus: str) -> str:
    """Year of birth for the YY forms, relative to `reference` (the extraction date):
    the latest that makes the person born on or before it, 100 years earlier when `plus`."""
    ref_year = f"(year({reference}) - CASE WHEN {plus} THEN 100 ELSE 0 END)"
    ref_mmdd = f"(month({reference}) * 100 + day({reference}))"
    candidate = f"({ref_year} // 100 * 100 + substr({part('pnr_tail')}, 1, 2)::INTEGER)"
    mmdd = f"({part('pnr_month')} * 100 + {_day_sql(part)})"
    return (
        f"{candidate} - CASE WHEN {candidate} > {ref_year} OR "
        f"({candidate} = {ref_year} AND {mmdd} > {ref_mmdd}) THEN 100 ELSE 0 END"
    )


def plus_read_as_minus_sql(reference: str, part: Part = _column) -> str:
    """A `+` that would make the person older than `MAX_AGE` on `reference`: a typo for
    `-`, read as `-` (so the person links to sources that wrote `-`)."""
    year = _century_sql(reference, part, "true")
    mmdd = f"({part('pnr_month')} * 100 + {_day_sql(part)})"
    ref_mmdd = f"(month({reference}) * 100 + day({reference}))"
    age = f"(year({reference}) - ({year}) - CASE WHEN {mmdd} > {ref_mmdd} THEN 1 ELSE 0 END)"
    return f"({part('pnr_plus')} AND {age} > {MAX_AGE})"


def _year_sql(reference: str, part: Part = _column) -> str:
    """Year of birth of a well-formed number: written out, or from the century rule."""
    digits = part("pnr_digits")
    plus = f"({part('pnr_plus')} AND NOT {plus_read_as_minus_sql(reference, part)})"
    return (
        f"CASE WHEN length({digits}) = 12 THEN left({digits}, 4)::INTEGER "
        f"ELSE {_century_sql(reference, part, plus)} END"
    )


def _birth_date_sql(part: Part = _column) -> str:
    return f"try(make_date({part('pnr_year')}, {part('pnr_month')}, {_day_sql(part)}))"


def _normalised_sql(part: Part = _column) -> str:
    """The twelve digits YYYYMMDDNNNN (day + 60 kept) that every pseudonym is keyed on."""
    return f"printf('%04d', {part('pnr_year')}) || right({part('pnr_tail')}, 8)"


def _problem_sql(empty_means_protected: bool, reference: str) -> str:
    missing = "NULL" if empty_means_protected else "'personnummer saknas'"
    return f"""CASE
        WHEN pnr_flagged THEN NULL
        WHEN NOT pnr_given THEN {missing}
        WHEN NOT pnr_form_ok THEN 'ogiltigt personnummer: okänt format'
        WHEN pnr_birth_date IS NULL THEN 'ogiltigt personnummer: omöjligt födelsedatum'
        WHEN pnr_birth_date > {reference} THEN 'ogiltigt personnummer: född efter uttagsdatum'
        WHEN NOT pnr_luhn_ok THEN 'ogiltigt personnummer: fel kontrollsiffra'
    END"""


def date_literal(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def personnummer_select(
    source: str, extraction_date: dt.date, *, empty_means_protected: bool
) -> str:
    """SELECT over `source` (with text columns `personnummer`, `protected_identity`) adding
    `person_id`, `is_protected_identity`, `is_coordination_number`, `birth_date`,
    `birth_year`, `pnr_gender`, `personnummer__problem`, `personnummer__corrected` and
    `personnummer__nulled` (['personnummer'] when no usable one); needs `$ipad`/`$opad`.

    A personnummer that fails its checks leaves the row counted as a person who cannot be
    linked (person_id null, not protected); when only the check digit is wrong the birth
    date and kön are still read from it.
    `empty_means_protected`: sources without a protected-identity column deliver those
    persons with an empty personnummer; elsewhere an empty one is unlinkable too.

    Derived once per distinct (personnummer, protected_identity) and joined back: a kind F
    extract names each person in about fifty monthly rows, and the checks and the keyed
    hash were most of its typing time. The join does not keep the rows' order: order by a
    column of `source` (the ingest's row_number) where order matters.
    """
    reference = date_literal(extraction_date)
    protected = ", ".join(f"'{value}'" for value in PROTECTED_VALUES)
    valid = "pnr_given AND personnummer__problem IS NULL"
    identity = ", ".join(IDENTITY_COLUMNS)
    same_identity = " AND ".join(
        f"delivered.{column} IS NOT DISTINCT FROM derived.{column}" for column in IDENTITY_COLUMNS
    )
    return f"""
    WITH delivered AS MATERIALIZED (
        SELECT * FROM {source}
    ), identities AS (
        SELECT DISTINCT {identity} FROM delivered
    ), pnr_text AS (
        SELECT *,
            coalesce(upper(trim(protected_identity)) IN ({protected}), false) AS pnr_flagged,
            coalesce(regexp_replace(personnummer, '\\s', '', 'g'), '') AS pnr_text
        FROM identities
    ), pnr_parts AS (
        SELECT *,
            NOT pnr_flagged AND pnr_text <> '' AS pnr_given,
            regexp_full_match(pnr_text, '(\\d{{6}}|\\d{{8}})[-+]?\\d{{4}}') AS pnr_form_ok,
            replace(replace(pnr_text, '-', ''), '+', '') AS pnr_digits,
            right(replace(replace(pnr_text, '-', ''), '+', ''), 10) AS pnr_tail,
            contains(pnr_text, '+') AS pnr_plus
        FROM pnr_text
    ), pnr_fields AS (
        SELECT *,
            CASE WHEN pnr_form_ok THEN pnr_tail::BIGINT END AS pnr_number,
            CASE WHEN pnr_form_ok THEN substr(pnr_tail, 3, 2)::INTEGER END AS pnr_month,
            CASE WHEN pnr_form_ok THEN substr(pnr_tail, 5, 2)::INTEGER END AS pnr_day_raw,
            CASE WHEN pnr_form_ok THEN {_luhn_sql()} END AS pnr_luhn_ok
        FROM pnr_parts
    ), pnr_years AS (
        SELECT *, CASE WHEN pnr_form_ok THEN {_year_sql(reference)} END AS pnr_year,
            CASE WHEN pnr_given AND pnr_form_ok AND length(pnr_digits) = 10
                THEN {plus_read_as_minus_sql(reference)} ELSE false END AS pnr_plus_corrected
        FROM pnr_fields
    ), pnr_dates AS (
        SELECT *, {_birth_date_sql()} AS pnr_birth_date
        FROM pnr_years
    ), pnr_checked AS (
        SELECT *, {_problem_sql(empty_means_protected, reference)} AS personnummer__problem,
            coalesce(
                pnr_given AND pnr_form_ok AND pnr_birth_date <= {reference}, false
            ) AS pnr_birth_known
        FROM pnr_dates
    ), derived AS (
        SELECT {identity}, personnummer__problem,
            CASE WHEN {valid} THEN {hmac_sql(_normalised_sql())} END AS person_id,
            pnr_flagged OR (pnr_text = '' AND {str(empty_means_protected).lower()})
                AS is_protected_identity,
            CASE WHEN pnr_birth_known THEN pnr_birth_date END AS birth_date,
            CASE WHEN pnr_birth_known THEN pnr_day_raw > 60 END AS is_coordination_number,
            CASE WHEN pnr_birth_known THEN year(pnr_birth_date) END AS birth_year,
            CASE WHEN pnr_birth_known THEN
                CASE WHEN substr(pnr_tail, 9, 1)::INTEGER % 2 = 1 THEN 'M' ELSE 'K' END
            END AS pnr_gender,
            CASE WHEN pnr_plus_corrected AND pnr_birth_date IS NOT NULL
                THEN {CORRECTED_PLUS_SQL} END AS personnummer__corrected,
            CASE WHEN NOT pnr_flagged AND NOT ({valid})
                AND NOT (pnr_text = '' AND {str(empty_means_protected).lower()})
                THEN ['personnummer'] ELSE []::VARCHAR[] END AS personnummer__nulled
        FROM pnr_checked
    )
    SELECT delivered.* EXCLUDE ({identity}), derived.* EXCLUDE ({identity})
    FROM delivered JOIN derived ON {same_identity}
    """


def _field(name: str) -> str:
    return f"p.{name}"


def _then(items: str, fields: dict[str, str]) -> str:
    """One step of the lambda pipeline: add `fields` to every struct `p` of `items`."""
    added = ", ".join(f"{name} := {sql}" for name, sql in fields.items())
    return f"list_transform({items}, lambda p: struct_insert(p, {added}))"


def _found_sql(text: str, reference: str, check_digit: bool) -> str:
    """Every personnummer-shaped run of `text` that passes the Personnummer column's rules
    (without the Luhn check when `check_digit` is false), as structs with `pnr_text`."""
    runs = f"regexp_extract_all({text}, '{CANDIDATE}', 1)"
    items = (
        f"list_transform(list_filter({runs}, lambda run: regexp_full_match(run, '{FORM}')), "
        "lambda run: {'pnr_text': run, 'pnr_plus': contains(run, '+'), "
        "'pnr_digits': regexp_replace(run, '[^0-9]', '', 'g')})"
    )
    items = _then(items, {"pnr_tail": "right(p.pnr_digits, 10)"})
    items = _then(
        items,
        {
            "pnr_number": "p.pnr_tail::BIGINT",
            "pnr_month": "substr(p.pnr_tail, 3, 2)::INTEGER",
            "pnr_day_raw": "substr(p.pnr_tail, 5, 2)::INTEGER",
        },
    )
    items = _then(items, {"pnr_year": _year_sql(reference, _field)})
    items = _then(items, {"pnr_birth_date": _birth_date_sql(_field)})
    valid = f"p.pnr_birth_date IS NOT NULL AND p.pnr_birth_date <= {reference}"
    if check_digit:
        valid += f" AND {_luhn_sql(_field)}"
    return f"list_filter({items}, lambda p: {valid})"


def _replace_found_sql(text: str, reference: str, check_digit: bool, replacement: str) -> str:
    """`text` with every found number replaced by `replacement` (SQL over struct `p`).

    Longest first, so a twelve-digit form is replaced whole before its ten-digit tail.
    """
    found = _found_sql(text, reference, check_digit)
    edits = (
        f"list_sort(list_transform({found}, lambda p: "
        f"{{'longest': -length(p.pnr_text), 'find': p.pnr_text, 'put': {replacement}}}))"
    )
    start = f"{{'longest': 0::BIGINT, 'find': {text}, 'put': ''}}"
    apply = (
        "lambda done, edit: {'longest': 0::BIGINT, "
        "'find': replace(done.find, edit.find, edit.put), 'put': ''}"
    )
    return (
        f"CASE WHEN length({text}) >= 10 AND regexp_matches({text}, '{GUARD}') "
        f"THEN list_reduce(list_prepend({start}, {edits}), {apply}).find ELSE {text} END"
    )


# The text rules as temporary macros, parsed once per connection (`create_text_macros`):
# written out in every cleaned field, they made each file's query about 200 kB of SQL whose
# parsing and binding cost about a second a file whatever its size. table_load calls each
# macro once, in one lambda over the row's fields, so each is bound once too.
REDACT_MACRO = "finsam_redact_personnummer"
REDACT_LOOKALIKES_MACRO = "finsam_redact_personnummer_lookalikes"
CASE_ID_MACRO = "finsam_pseudonymous_case_id"


def _macros() -> dict[str, tuple[str, str]]:
    """Name: (parameters, body) of each text macro."""
    redacted = "'" + REDACTED.replace("'", "''") + "'"
    pseudonym = (
        f"'{CASE_ID_PREFIX}' || left({hmac_sql(_normalised_sql(_field), 'ipad', 'opad')}, 16)"
    )
    text, reference = "delivered", "extracted_on"
    return {
        REDACT_MACRO: (
            f"{text}, {reference}",
            _replace_found_sql(text, reference, True, redacted),
        ),
        REDACT_LOOKALIKES_MACRO: (
            f"{text}, {reference}",
            _replace_found_sql(text, reference, False, redacted),
        ),
        CASE_ID_MACRO: (
            f"{text}, {reference}, ipad, opad",
            _replace_found_sql(text, reference, True, pseudonym),
        ),
    }


def create_text_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The macros `redact_sql` and `pseudonymous_case_id_sql` call, on this connection."""
    present = {
        row[0]
        for row in con.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_type = 'macro' "
            "AND function_name LIKE 'finsam_%'"
        ).fetchall()
    }
    for name, (parameters, body) in _macros().items():
        if name not in present:
            con.execute(f"CREATE OR REPLACE TEMP MACRO {name}({parameters}) AS ({body})")


def redact_sql(text: str, extraction_date: dt.date, *, lookalikes: bool = False) -> str:
    """`text` with every personnummer and samordningsnummer in it replaced by `REDACTED`
    (needs `create_text_macros`).

    Only numbers with a possible birth date (on or before the extraction date) and, unless
    `lookalikes`, a correct check digit: an amount or account number is left alone. For
    free text (`lookalikes=True`) a wrong check digit is redacted too: a typo in one digit
    still points at one person, and a date-shaped ten- or twelve-digit run in a note is
    almost never an amount (amounts have their own column).
    """
    macro = REDACT_LOOKALIKES_MACRO if lookalikes else REDACT_MACRO
    return f"{macro}({text}, {date_literal(extraction_date)})"


def pseudonymous_case_id_sql(text: str, extraction_date: dt.date) -> str:
    """A case id with every valid personnummer in it replaced by `pn-` and 16 hex digits of
    its keyed HMAC (needs `create_text_macros` and `$ipad`/`$opad`).

    Some case systems use the personnummer as ÄrendeID. Keyed on the normalised twelve
    digits, the replacement is the same in every form and every delivery, so snapshots and
    history still match the case, and other text around it keeps case ids unique.
    """
    return f"{CASE_ID_MACRO}({text}, {date_literal(extraction_date)}, $ipad, $opad)"


def whole_years_sql(birth_date: str, on_date: str) -> str:
    """Age in whole years on a date (a birthday not yet reached that year not counted)."""
    return (
        f"date_diff('year', {birth_date}, {on_date}) - CASE WHEN "
        f"strftime({on_date}, '%m%d') < strftime({birth_date}, '%m%d') THEN 1 ELSE 0 END"
    )
