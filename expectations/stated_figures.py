"""Figures an insats published by hand that differ from the computed ones."""

from __future__ import annotations

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.declarations import SuiteDeclaration
from expectations.run_context import QualityRun
from expectations.sql import literal

CHECK = "stated_figure_consistent"


def frame(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> pd.DataFrame:
    """The comparisons of marts.stated_figure_checks."""
    return con.sql(
        "select insats, unit, figure, stated_value, computed_value, difference, "
        "coalesce(is_consistent, false) as is_consistent "
        "from marts.stated_figure_checks"
    ).df()


def build_stated_figures_suite(declaration: SuiteDeclaration) -> gx.ExpectationSuite:
    """Every stated figure consistent with the computed one."""
    suite = gx.ExpectationSuite(name=declaration.suite)
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeInSet(
            column="is_consistent",
            value_set=[True],
            meta={"name": CHECK, "field": "figure", "severity": declaration.severity},
        )
    )
    return suite


def findings_sql(declaration: SuiteDeclaration, run: QualityRun) -> str:
    """One row per inconsistent figure, with both values."""
    return f"""select {literal(CHECK)} as "check", null as organisation, insats, unit,
        null as caseworker, null as case_id, figure as field,
        'Angiven siffra ' || figure || ' = ' || stated_value || ', beräknad '
            || coalesce(cast(computed_value as varchar), 'saknas') as problem,
        date {literal(run.as_of)} as since_date, 0 as days_open
    from marts.stated_figure_checks
    where not coalesce(is_consistent, false)"""
