"""Duplicate open enrolments: one person enrolled and not exited twice in one insats."""

from __future__ import annotations

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.declarations import SuiteDeclaration
from expectations.run_context import QualityRun
from expectations.sql import current_cases_cte, literal

CHECK = "unique_open_enrolment"


def _open_cases_sql(run: QualityRun) -> str:
    """Open enrolments of identified persons (protected identities are never linked)."""
    return f"""with {current_cases_cte(run.code_labels)},
    open_cases as (
        select * from current_cases
        where enrolment_date is not null and exit_date is null
            and person_id is not null and not coalesce(is_protected_identity, false)
    )"""


def frame(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> pd.DataFrame:
    """Open enrolments per person and insats (the person left out of the Data Docs)."""
    return con.sql(
        f"{_open_cases_sql(run)} select insats, count(*) as open_enrolments from open_cases "
        "group by person_id, insats"
    ).df()


def build_open_enrolment_duplicates_suite(declaration: SuiteDeclaration) -> gx.ExpectationSuite:
    """At most one open enrolment per person and insats."""
    suite = gx.ExpectationSuite(name=declaration.suite)
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeBetween(
            column="open_enrolments",
            min_value=1,
            max_value=1,
            meta={"name": CHECK, "field": "exit_date", "severity": declaration.severity},
        )
    )
    return suite


def findings_sql(declaration: SuiteDeclaration, run: QualityRun) -> str:
    """Every case of a duplicated person and insats, naming the other cases, since the later."""
    return f"""{_open_cases_sql(run)},
    grouped as (
        select *,
            count(*) over (partition by person_id, insats) as open_count,
            max(enrolment_date) over (partition by person_id, insats) as since_date,
            list(case_id) over (partition by person_id, insats) as case_ids
        from open_cases
    )
    select
        {literal(CHECK)} as "check", organisation, insats, unit, caseworker, case_id,
        'exit_date' as field,
        'Personen har ' || open_count || ' öppna inskrivningar i insatsen (ÄrendeID '
            || array_to_string(list_sort(case_ids), ', ') || ')' as problem,
        since_date,
        date_diff('day', since_date, date {literal(run.as_of)}) as days_open
    from grouped
    where open_count > 1
    """
