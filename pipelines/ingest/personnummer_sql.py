"""Personnummer parsed, validated and pseudonymised set-based in DuckDB SQL.

Accepted forms: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN and YYMMDD+NNNN
(`+` = 100 years or older). Samordningsnummer have day + 60. For the YY forms the
century is the latest one that makes the person born on or before the extraction date
(100 years earlier with `+`). The last digit is a Luhn check digit over the ten digits
from YY; the second-to-last is odd for men.
"""

from __future__ import annotations

import datetime as dt

from pipelines.ingest.pseudonym import hmac_sql

PROTECTED_VALUES = ("J", "JA")

# Columns the derivation adds; everything holding personnummer digits is dropped after.
PERSONNUMMER_WORK_COLUMNS = (
    "personnummer",
    "protected_identity",
    "pnr_text",
    "pnr_digits",
    "pnr_tail",
    "pnr_plus",
    "pnr_form_ok",
    "pnr_given",
    "pnr_flagged",
    "pnr_year",
    "pnr_month",
    "pnr_day_raw",
    "pnr_luhn_ok",
    "pnr_number",
    "pnr_birth_date",
)


def _luhn_sql() -> str:
    """Luhn over the ten digits of `pnr_tail` (weights 2,1,2,1,...), in integer arithmetic."""
    terms = []
    for index in range(10):
        digit = f"(pnr_number // {10 ** (9 - index)} % 10)"
        product = f"({digit} * {2 - index % 2})"
        terms.append(f"{product} // 10 + {product} % 10")
    return f"({' + '.join(terms)}) % 10 = 0"


def _century_sql(reference: str) -> str:
    """Year of birth for the YY forms, relative to `reference` (the extraction date)."""
    ref_year = f"(year({reference}) - CASE WHEN pnr_plus THEN 100 ELSE 0 END)"
    ref_mmdd = f"(month({reference}) * 100 + day({reference}))"
    candidate = f"({ref_year} // 100 * 100 + substr(pnr_tail, 1, 2)::INTEGER)"
    mmdd = "(pnr_month * 100 + (pnr_day_raw - CASE WHEN pnr_day_raw > 60 THEN 60 ELSE 0 END))"
    return (
        f"{candidate} - CASE WHEN {candidate} > {ref_year} OR "
        f"({candidate} = {ref_year} AND {mmdd} > {ref_mmdd}) THEN 100 ELSE 0 END"
    )


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


def personnummer_select(
    source: str, extraction_date: dt.date, *, empty_means_protected: bool
) -> str:
    """SELECT over `source` (with text columns `personnummer`, `protected_identity`) adding
    `person_id`, `is_protected_identity`, `is_coordination_number`, `birth_date`,
    `birth_year`, `pnr_gender` and `personnummer__problem`; needs `$ipad`/`$opad`.

    `empty_means_protected`: sources without a protected-identity column deliver those
    persons with an empty personnummer; elsewhere an empty one is a rejected row.
    """
    reference = f"DATE '{extraction_date.isoformat()}'"
    protected = ", ".join(f"'{value}'" for value in PROTECTED_VALUES)
    valid = "pnr_given AND personnummer__problem IS NULL"
    drop = ", ".join(PERSONNUMMER_WORK_COLUMNS)
    return f"""
    WITH pnr_text AS (
        SELECT *,
            coalesce(upper(trim(protected_identity)) IN ({protected}), false) AS pnr_flagged,
            coalesce(regexp_replace(personnummer, '\\s', '', 'g'), '') AS pnr_text
        FROM {source}
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
        SELECT *,
            CASE WHEN pnr_form_ok AND length(pnr_digits) = 12 THEN left(pnr_digits, 4)::INTEGER
                 WHEN pnr_form_ok THEN {_century_sql(reference)} END AS pnr_year
        FROM pnr_fields
    ), pnr_dates AS (
        SELECT *,
            try(make_date(pnr_year, pnr_month,
                pnr_day_raw - CASE WHEN pnr_day_raw > 60 THEN 60 ELSE 0 END)) AS pnr_birth_date
        FROM pnr_years
    ), pnr_checked AS (
        SELECT *, {_problem_sql(empty_means_protected, reference)} AS personnummer__problem
        FROM pnr_dates
    )
    SELECT * EXCLUDE ({drop}),
        CASE WHEN {valid} THEN {hmac_sql("printf('%04d', pnr_year) || right(pnr_tail, 8)")}
            END AS person_id,
        pnr_flagged OR NOT pnr_given AS is_protected_identity,
        CASE WHEN {valid} THEN pnr_birth_date END AS birth_date,
        CASE WHEN {valid} THEN pnr_day_raw > 60 END AS is_coordination_number,
        CASE WHEN {valid} THEN year(pnr_birth_date) END AS birth_year,
        CASE WHEN {valid} THEN
            CASE WHEN substr(pnr_tail, 9, 1)::INTEGER % 2 = 1 THEN 'M' ELSE 'K' END
        END AS pnr_gender
    FROM pnr_checked
    """


def whole_years_sql(birth_date: str, on_date: str) -> str:
    """Age in whole years on a date (a birthday not yet reached that year not counted)."""
    return (
        f"date_diff('year', {birth_date}, {on_date}) - CASE WHEN "
        f"strftime({on_date}, '%m%d') < strftime({birth_date}, '%m%d') THEN 1 ELSE 0 END"
    )
