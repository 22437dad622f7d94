"""Each kind of suite: the batches GX validates and the SQL that lists its findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import great_expectations as gx
import pandas as pd

from expectations import (
    completeness,
    duplicates,
    period_flows,
    rejects,
    scb_reconciliation,
    stated_figures,
    validity,
)
from expectations.declarations import SuiteDeclaration
from expectations.run_context import QualityRun

Batch = tuple[pd.DataFrame, gx.ExpectationSuite]
Batches = Callable[[duckdb.DuckDBPyConnection, SuiteDeclaration, QualityRun], list[Batch]]
FindingsSql = Callable[[SuiteDeclaration, QualityRun], str]
Frame = Callable[[duckdb.DuckDBPyConnection, SuiteDeclaration, QualityRun], pd.DataFrame]
Build = Callable[[SuiteDeclaration, QualityRun], gx.ExpectationSuite]


@dataclass(frozen=True)
class SuiteKind:
    """GX validates the `batches` (DataFrame and suite); `findings_sql` lists the problems."""

    batches: Batches
    findings_sql: FindingsSql


def single_batch(frame: Frame, build: Build) -> Batches:
    """One DataFrame validated against one suite."""

    def batches(con, declaration, run):
        return [(frame(con, declaration, run), build(declaration, run))]

    return batches


KINDS: dict[str, SuiteKind] = {
    "completeness": SuiteKind(completeness.batches, completeness.findings_sql),
    "validity": SuiteKind(
        single_batch(validity.frame, validity.build_case_enrolments_validity_suite),
        validity.findings_sql,
    ),
    "rejects": SuiteKind(
        single_batch(
            rejects.frame, lambda declaration, run: rejects.build_rejects_suite(declaration)
        ),
        rejects.findings_sql,
    ),
    "duplicates": SuiteKind(
        single_batch(
            duplicates.frame,
            lambda declaration, run: duplicates.build_open_enrolment_duplicates_suite(declaration),
        ),
        duplicates.findings_sql,
    ),
    "period_flows": SuiteKind(
        single_batch(
            period_flows.frame,
            lambda declaration, run: period_flows.build_period_flows_suite(declaration),
        ),
        period_flows.findings_sql,
    ),
    "scb_reconciliation": SuiteKind(
        single_batch(scb_reconciliation.frame, scb_reconciliation.build_scb_reconciliation_suite),
        scb_reconciliation.findings_sql,
    ),
    "stated_figures": SuiteKind(
        single_batch(
            stated_figures.frame,
            lambda declaration, run: stated_figures.build_stated_figures_suite(declaration),
        ),
        stated_figures.findings_sql,
    ),
}
