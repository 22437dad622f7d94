"""What a delivery made on a given date shows of the enrolment truth, as DuckDB SQL.

A snapshot shows every case referred by its date; enrolments, exits and kartläggning
appear once they happened (exits once registered, which lags), and a few exit reasons
are first registered as `Annat` and corrected in a later delivery.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from pipelines.demo.calibration import load_calibration
from pipelines.demo.defects import DATE_FIELDS, LABEL_FIELDS, PLUS_FORM

KARTLAGGNING_LABEL_FIELDS = [
    "education_level",
    "birth_region",
    "work_experience",
    "physical_health",
    "mental_health",
    "language_support_need",
    "work_capacity",
]
KARTLAGGNING_FIELDS = [
    "assessment_date",
    *KARTLAGGNING_LABEL_FIELDS[:3],
    "years_on_public_support",
    *KARTLAGGNING_LABEL_FIELDS[3:],
]
MISSING_LABELS = ("Uppgift saknas", "Ej bedömd")
SHOWN_LABELS = {  # label fields a delivery shows only once the event happened
    "exit_reason": "s_exit_reason",
    "income_at_enrolment": (
        "case when s_enrolment_date is not null then income_at_enrolment::varchar end"
    ),
}


def truth_connection(enrolments: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the enrolment truth as table ``truth``."""
    con = duckdb.connect()
    con.register("truth_frame", enrolments)
    con.execute("create table truth as select * from truth_frame")
    con.unregister("truth_frame")
    return con


def state_sql(organisation: str, as_of: date) -> str:
    """Rows and values an export of ``organisation`` made on ``as_of`` shows (prefixed s_)."""
    day = f"date '{as_of.isoformat()}'"
    exit_known = f"exit_registered_date <= {day}"
    assessed = f"assessment_date <= {day}"
    answers = ",\n        ".join(
        f"case when {assessed} then {field} end as s_{field}"
        for field in [*KARTLAGGNING_LABEL_FIELDS, "years_on_public_support"]
    )
    return f"""
    select *,
        {day} as as_of,
        referral_date::date as s_referral_date,
        case when enrolment_date <= {day} then enrolment_date::date end as s_enrolment_date,
        case when {exit_known} then exit_date::date end as s_exit_date,
        case when {exit_known} then
            (case when correction_date > {day} then provisional_reason
                  else exit_reason end)::varchar
        end as s_exit_reason,
        case when {exit_known} then income_at_exit end as s_income_at_exit,
        case when {exit_known} then occupation_at_exit end as s_occupation_at_exit,
        case when {exit_known} then occupation_extent end as s_occupation_extent,
        case when {assessed} then assessment_date::date end as s_assessment_date,
        case when enrolment_date <= {day} then round(
            greatest(0, date_diff('day', enrolment_date::date,
                                  least(coalesce(case when {exit_known} then exit_date::date end,
                                                 {day}), {day}))) / 7.0 * weekly_hours, 1)
        end as s_attended_hours,
        {answers}
    from truth
    where organisation = '{organisation}' and referral_date <= {day}
    """


def delivery_counts(
    con: duckdb.DuckDBPyConnection, organisation: str, as_of: date
) -> dict[str, Any]:
    """What one delivery contains and which planted defects it shows, for the manifest."""
    cal = load_calibration()
    known_variants = cal["label_drift"]["variants"]
    checks = {
        "rows": "count(*)",
        "queue_rows": "count(*) filter (s_enrolment_date is null)",
        "enrolled_rows": "count(s_enrolment_date)",
        "active_rows": "count(*) filter (s_enrolment_date is not null and s_exit_date is null)",
        "exited_rows": "count(s_exit_date)",
        "misregistered_rows": "count(*) filter (s_exit_reason = 'Felregistrering')",
        "protected_identity_rows": "count(*) filter (is_protected)",
        "invalid_checksum_rows": "count(*) filter (not is_protected and printed_pnr <> pnr)",
        "plus_separator_rows": f"count(*) filter (not is_protected and pnr_form = {PLUS_FORM})",
    }
    for field in DATE_FIELDS:
        checks[f"impossible_date.{field}"] = (
            f"count(*) filter (impossible_field = '{field}' and s_{field} is not null)"
        )
    for field, code_list in LABEL_FIELDS.items():
        shown = SHOWN_LABELS.get(field, f"{field}::varchar")
        checks[f"unknown_label.{field}"] = _count_in(shown, cal["unknown_labels"][code_list])
        variants = [
            label for labels in known_variants.get(code_list, {}).values() for label in labels
        ]
        checks[f"label_variant.{field}"] = _count_in(shown, variants)
    for suffix, condition in (
        ("", "true"),
        ("_excluding_felregistrering", "coalesce(s_exit_reason, '') <> 'Felregistrering'"),
    ):
        for field in KARTLAGGNING_FIELDS:
            checks[f"missing_kartlaggning{suffix}.{field}"] = (
                f"count(*) filter (s_enrolment_date is not null and {condition} and "
                f"({_missing(field)}))"
            )
    select = ", ".join(f'{sql} as "{name}"' for name, sql in checks.items())
    values = con.execute(f"select {select} from ({state_sql(organisation, as_of)})").fetchall()[0]
    return _nest(dict(zip(checks, values, strict=True)))


def _missing(field: str) -> str:
    column = f"s_{field}"
    if field in KARTLAGGNING_LABEL_FIELDS:
        return f"{column} is null or {column}::varchar in {MISSING_LABELS!r}"
    return f"{column} is null"


def _count_in(expression: str, labels: list[str]) -> str:
    quoted = ", ".join("'" + label.replace("'", "''") + "'" for label in labels)
    return f"count(*) filter ({expression} in ({quoted}))" if labels else "0"


def _nest(flat: dict[str, int]) -> dict[str, Any]:
    """Turn ``a.b`` keys into nested dictionaries for a readable manifest."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        head, _, tail = key.partition(".")
        if tail:
            nested.setdefault(head, {})[tail] = int(value)
        else:
            nested[head] = int(value)
    return nested
