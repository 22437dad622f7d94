"""Persons in only one of case system and SCB report, per ESF project, against a tolerance."""

from __future__ import annotations

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.declarations import SuiteDeclaration
from expectations.run_context import QualityRun
from expectations.sql import literal

CHECK = "scb_difference_share"


def tolerance(declaration: SuiteDeclaration, run: QualityRun) -> float:
    """The configured tolerance, else the suite's declared default."""
    configured = run.scb_reconciliation_tolerance
    return float(
        configured if configured is not None else declaration.parameters["default_tolerance"]
    )


PROJECTS_SQL = """projects as (
    select esf_project, any_value(insats) as insats, count(*) as persons,
        count(*) filter (where status = 'only_case_system') as only_case_system,
        count(*) filter (where status = 'only_scb') as only_scb,
        count(*) filter (where status <> 'both') / count(*) as difference_share
    from marts.scb_reconciliation
    group by esf_project
)"""


def frame(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> pd.DataFrame:
    """One row per ESF project with the share of persons not in both sources."""
    return con.sql(f"with {PROJECTS_SQL} select * from projects").df()


def build_scb_reconciliation_suite(
    declaration: SuiteDeclaration, run: QualityRun
) -> gx.ExpectationSuite:
    """Each project's difference share within the tolerance."""
    suite = gx.ExpectationSuite(name=declaration.suite)
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeBetween(
            column="difference_share",
            min_value=0,
            max_value=tolerance(declaration, run),
            meta={"name": CHECK, "field": "esf_project", "severity": declaration.severity},
        )
    )
    return suite


def findings_sql(declaration: SuiteDeclaration, run: QualityRun) -> str:
    """Over tolerance: each case missing from the SCB report, and one row for SCB-only persons.

    Persons only in the SCB report have no case to point at, so they are counted per project.
    """
    limit = tolerance(declaration, run)
    return f"""with {PROJECTS_SQL},
    flagged as (select * from projects where difference_share > {limit}),
    missing_in_scb as (
        select flagged.esf_project, null as organisation, enrolments.insats, enrolments.unit,
            enrolments.caseworker, unnest(enrolments.case_ids) as case_id
        from marts.scb_reconciliation as reconciliation
        inner join flagged on reconciliation.esf_project = flagged.esf_project
        inner join marts.enrolments as enrolments
            on reconciliation.person_key = enrolments.person_key
            and reconciliation.insats = enrolments.insats
        where reconciliation.status = 'only_case_system'
    ),
    problems as (
        select organisation, insats, unit, caseworker, case_id,
            'Finns i ärendesystemet men inte i SCB-rapporten för ESF-projekt ' || esf_project
                as problem
        from missing_in_scb
        union all
        select null, insats, null, null, null,
            only_scb || ' personer i SCB-rapporten för ESF-projekt ' || esf_project
                || ' saknas i ärendesystemet' as problem
        from flagged where only_scb > 0
    )
    select {literal(CHECK)} as "check", organisation, insats, unit, caseworker, case_id,
        'esf_project' as field, problem,
        date {literal(run.as_of)} as since_date, 0 as days_open
    from problems"""
