"""The flow identities of marts.period_flows, per insats, unit and period."""

from __future__ import annotations

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.declarations import SuiteDeclaration
from expectations.run_context import QualityRun
from expectations.sql import literal

KEYS = "insats, unit, period_type, period_label"


def _gaps_sql(declaration: SuiteDeclaration) -> str:
    gaps = ", ".join(
        f"({expression}) as {name}"
        for name, expression in declaration.parameters["identities"].items()
    )
    return f"select {KEYS}, {gaps} from marts.period_flows"


def frame(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> pd.DataFrame:
    """One row per period with how far each identity is off (0 when it holds)."""
    return con.sql(_gaps_sql(declaration)).df()


def build_period_flows_suite(declaration: SuiteDeclaration) -> gx.ExpectationSuite:
    """Every identity gap is zero."""
    suite = gx.ExpectationSuite(name=declaration.suite)
    for name in declaration.parameters["identities"]:
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeBetween(
                column=name,
                min_value=0,
                max_value=0,
                meta={"name": f"identity:{name}", "field": name, "severity": declaration.severity},
            )
        )
    return suite


def findings_sql(declaration: SuiteDeclaration, run: QualityRun) -> str:
    """One row per period and broken identity."""
    selects = [
        f"""select 'identity:{name}' as "check", null as organisation, insats, unit,
            null as caseworker, null as case_id, {literal(name)} as field,
            'Identiteten ' || {literal(expression)} || ' = 0 håller inte för '
                || period_type || ' ' || period_label || ': ' || {name} as problem
        from gaps where {name} <> 0"""
        for name, expression in declaration.parameters["identities"].items()
    ]
    union = "\nunion all\n".join(selects)
    return f"""with gaps as ({_gaps_sql(declaration)}),
    broken as ({union})
    select *, date {literal(run.as_of)} as since_date, 0 as days_open from broken"""
