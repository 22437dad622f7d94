"""The two shapes of dbt quality table GX validates, and which of their rows are findings.

`shares`: every row counts towards one named verdict (`expectation`) and passes or not
(`is_passing`); the verdict holds when at least `threshold` of its rows pass. `tolerance`:
a share per scope (an ESF project's persons not in both sources) against the
installation's tolerance, which dbt cannot know, so only rows of scopes over it are
findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.expectations.row_conditions import Column

from expectations.declarations import SuiteDeclaration, literal
from expectations.run_context import QualityRun

Batch = tuple[pd.DataFrame, gx.ExpectationSuite]


@dataclass(frozen=True)
class SuiteKind:
    """GX validates the `batch`; `findings_where` narrows the rows with a problem."""

    batch: Callable[[duckdb.DuckDBPyConnection, SuiteDeclaration, QualityRun], Batch]
    findings_where: Callable[[SuiteDeclaration, QualityRun], str]


def _meta(name: str, declaration: SuiteDeclaration, threshold: float) -> dict:
    return {"name": name, "severity": declaration.severity, "threshold": threshold}


def shares_batch(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> Batch:
    """One expectation per verdict: its rows pass in at least the threshold's share.

    Verdicts come from the rows, plus the declared ones, so a rule with nothing to check
    still reports (and passes). The verdict of each row reaches pandas as a category code,
    never as a string: at 1 000 000 participants quality_validity has 19 million rows, and
    their verdict names as Python strings took the run's process over 3 GB.
    """
    rows = f"from {declaration.table} where {declaration.scope_sql}"
    thresholds = dict(
        con.sql(f"select expectation, any_value(threshold) {rows} group by expectation").fetchall()
    )
    names = sorted(set(thresholds) | set(declaration.parameters.get("expectations", ())))
    index = "".join(f", {column}" for column in declaration.index_columns)
    frame = con.sql(
        f"select list_position([{', '.join(literal(name) for name in names)}], expectation) - 1 "
        f"as expectation, is_passing{index} {rows}"
    ).df()
    frame["expectation"] = pd.Categorical.from_codes(frame["expectation"], categories=names)
    suite = gx.ExpectationSuite(name=declaration.suite)
    for name in names:
        threshold = float(thresholds.get(name, 1.0))
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeInSet(
                column="is_passing",
                value_set=[True],
                mostly=threshold,
                row_condition=Column("expectation") == name,
                meta=_meta(name, declaration, threshold),
            )
        )
    return frame, suite


def tolerance(declaration: SuiteDeclaration, run: QualityRun) -> float:
    """The configured tolerance, else the suite's declared default."""
    configured = run.scb_reconciliation_tolerance
    default = declaration.parameters["default_tolerance"]
    return float(configured if configured is not None else default)


def tolerance_batch(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> Batch:
    """One row per scope with its share; every share within the tolerance."""
    scope, share = declaration.parameters["scope"], declaration.parameters["share"]
    frame = con.sql(
        f"select {scope}, any_value({share}) as {share} from {declaration.table} "
        f"where {declaration.scope_sql} group by {scope}"
    ).df()
    limit = tolerance(declaration, run)
    suite = gx.ExpectationSuite(name=declaration.suite)
    suite.add_expectation(
        gxe.ExpectColumnValuesToBeBetween(
            column=share,
            min_value=0,
            max_value=limit,
            meta=_meta(declaration.parameters["expectation"], declaration, limit),
        )
    )
    return frame, suite


def _over_tolerance(declaration: SuiteDeclaration, run: QualityRun) -> str:
    return f"{declaration.parameters['share']} > {tolerance(declaration, run)}"


KINDS: dict[str, SuiteKind] = {
    "shares": SuiteKind(shares_batch, lambda declaration, run: "true"),
    "tolerance": SuiteKind(tolerance_batch, _over_tolerance),
}
