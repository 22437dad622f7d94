"""One asset check per declared suite, on the asset the suite guards.

Error-severity suites are blocking: when they fail, the assets downstream of the guarded
one (the marts' consumers, the publish step) do not run. Warnings never stop a run.
"""

from __future__ import annotations

import dagster as dg
import duckdb

from expectations.declarations import SuiteDeclaration, load_declarations
from expectations.run_context import current_run
from expectations.runner import SuiteOutcome, run_suite
from pipelines.defs.resources import Warehouse

EXAMPLES = 10
SEVERITIES = {"error": dg.AssetCheckSeverity.ERROR, "warning": dg.AssetCheckSeverity.WARN}


def check_result(outcome: SuiteOutcome, con: duckdb.DuckDBPyConnection) -> dg.AssetCheckResult:
    """The verdict with what a steward needs first: what failed, how much, which cases."""
    findings = outcome.findings_relation_sql()
    by_field = con.sql(
        f"select field, count(*) from ({findings}) group by field order by count(*) desc, field"
    ).fetchall()
    examples = con.sql(
        f"select distinct case_id from ({findings}) where case_id is not null "
        f"order by case_id limit {EXAMPLES}"
    ).fetchall()
    failed = {
        row.expectation: {"observed": row.observed_value, "threshold": row.threshold}
        for row in outcome.failed.itertuples()
    }
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=SEVERITIES[outcome.declaration.severity],
        description=outcome.declaration.description,
        metadata={
            "expectations": len(outcome.results),
            "failed_expectations": dg.MetadataValue.json(failed),
            "findings": sum(count for _, count in by_field),
            "findings_by_field": dg.MetadataValue.json({str(f): n for f, n in by_field}),
            "example_case_ids": dg.MetadataValue.json([case_id for (case_id,) in examples]),
        },
    )


def suite_check(declaration: SuiteDeclaration) -> dg.AssetChecksDefinition:
    """The asset check that validates one suite against the current work database."""

    @dg.asset_check(
        asset=dg.AssetKey(list(declaration.asset)),
        name=declaration.suite,
        description=declaration.description,
        blocking=declaration.blocking,
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            return check_result(run_suite(con, declaration, current_run()), con)

    return _check


@dg.definitions
def quality_checks() -> dg.Definitions:
    return dg.Definitions(asset_checks=[suite_check(d) for d in load_declarations()])
