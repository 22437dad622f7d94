"""Kartläggning completeness of enrolments past their grace period, per insats and field."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.declarations import SuiteDeclaration, field_label
from expectations.run_context import QualityRun
from expectations.sql import current_cases_cte, literal, matches_labels


@dataclass(frozen=True)
class InsatsRequirement:
    """What the insats configuration requires of one insats' kartläggning."""

    insats: str
    mandatory_fields: tuple[str, ...]
    grace_days: int
    completeness_threshold: float


def _insats_rules_cte(run: QualityRun) -> str:
    """Each configured insats' requirements, and the configuration's defaults for every
    insats in the current case rows that the configuration does not name."""
    return f"""{current_cases_cte(run.code_labels)},
    insats_rules as (
        select insats, mandatory_fields, grace_days, completeness_threshold
        from raw.insats_config
        union all
        select unconfigured.insats, defaults.mandatory_fields, defaults.grace_days,
            defaults.completeness_threshold
        from (
            select distinct insats from current_cases
            where insats is not null
                and insats not in (select insats from raw.insats_config)
        ) as unconfigured
        cross join raw.insats_config_defaults as defaults
    )"""


def insats_requirements(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> list[InsatsRequirement]:
    """Requirements per insats (configured or defaulted); a field the suite cannot check is
    a configuration error."""
    rows = con.sql(
        f"with {_insats_rules_cte(run)} "
        "select insats, mandatory_fields, grace_days, completeness_threshold "
        "from insats_rules order by insats"
    ).fetchall()
    known = set(declaration.parameters["fields"])
    requirements = []
    for insats, fields, grace_days, threshold in rows:
        unknown = sorted(set(fields or ()) - known)
        if unknown:
            raise ValueError(
                f"insats configuration, insats {insats!r}: mandatory_fields {unknown} are not "
                f"kartläggning fields (allowed: {sorted(known)})"
            )
        requirements.append(
            InsatsRequirement(insats, tuple(fields or ()), int(grace_days), float(threshold))
        )
    return requirements


def _present(expression: str, declaration: SuiteDeclaration) -> str:
    """True when a value counts as filled in: not empty and not a 'missing' label."""
    missing = ("", *(label.lower() for label in declaration.parameters["missing_labels"]))
    return f"coalesce(not {matches_labels(expression, missing)}, false)"


def _due_cases_sql(declaration: SuiteDeclaration, run: QualityRun) -> str:
    """Enrolments whose kartläggning is due, with only the columns the suite reads."""
    fields = ", ".join(f"current_cases.{column}" for column in declaration.parameters["fields"])
    return f"""with {_insats_rules_cte(run)},
    due as (
        select current_cases.organisation, current_cases.insats, current_cases.unit,
            current_cases.caseworker, current_cases.case_id, {fields},
            config.mandatory_fields,
            current_cases.enrolment_date + config.grace_days as since_date
        from current_cases
        inner join insats_rules as config on current_cases.insats = config.insats
        where current_cases.enrolment_date is not null
            and current_cases.enrolment_date + config.grace_days <= date {literal(run.as_of)}
    )"""


def frame(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> pd.DataFrame:
    """Due enrolments with each kartläggning field as 1 (filled in) or 0 (missing)."""
    indicators = ", ".join(
        f"{_present(column, declaration)}::float as {column}"
        for column in declaration.parameters["fields"]
    )
    frame = con.sql(f"{_due_cases_sql(declaration, run)} select insats, {indicators} from due").df()
    frame["insats"] = frame["insats"].astype("category")
    return frame


def build_case_enrolments_completeness_suite(
    declaration: SuiteDeclaration, requirement: InsatsRequirement
) -> gx.ExpectationSuite:
    """One insats: the share of due enrolments with each mandatory field at the threshold.

    The mean of a 0/1 column is that share, computed in one vectorised pass.
    """
    suite = gx.ExpectationSuite(name=f"{declaration.suite} {requirement.insats}")
    for column in requirement.mandatory_fields:
        suite.add_expectation(
            gxe.ExpectColumnMeanToBeBetween(
                column=column,
                min_value=requirement.completeness_threshold,
                max_value=1.0,
                meta={
                    "name": f"completeness:{column}:{requirement.insats}",
                    "field": column,
                    "severity": declaration.severity,
                    "threshold": requirement.completeness_threshold,
                },
            )
        )
    return suite


def batches(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> list[tuple[pd.DataFrame, gx.ExpectationSuite]]:
    """One batch and suite per insats (configured or defaulted) with enrolments due for
    kartläggning."""
    due = frame(con, declaration, run)
    per_insats = dict(list(due.groupby("insats", observed=True)))
    return [
        (
            per_insats[requirement.insats],
            build_case_enrolments_completeness_suite(declaration, requirement),
        )
        for requirement in insats_requirements(con, declaration, run)
        if requirement.insats in per_insats and requirement.mandatory_fields
    ]


def findings_sql(declaration: SuiteDeclaration, run: QualityRun) -> str:
    """One row per due enrolment and mandatory field it lacks, since enrolment + grace days.

    Each row first lists its missing mandatory fields, so only the gaps are unnested.
    """
    checked = ", ".join(
        f"{{'field': {literal(column)}, 'label': {literal(field_label(column))}, "
        f"'value': trim(cast({column} as varchar)), "
        f"'present': {_present(column, declaration)}}}"
        for column in declaration.parameters["fields"]
    )
    return f"""{_due_cases_sql(declaration, run)},
    gaps as (
        select organisation, insats, unit, caseworker, case_id, since_date,
            unnest(list_filter(
                [{checked}],
                lambda item: not item.present and list_contains(mandatory_fields, item.field)
            )) as gap
        from due
    )
    select
        'completeness:' || gap.field as "check",
        organisation, insats, unit, caseworker, case_id, gap.field as field,
        case when nullif(gap.value, '') is null then gap.label || ' saknas'
            else gap.label || ' är ''' || gap.value || ''''
        end as problem,
        since_date,
        date_diff('day', since_date, date {literal(run.as_of)}) as days_open
    from gaps"""
