"""One asset check per declared suite, fed by the quality asset's single validation.

The checks sit on quality/quality_results, the verdicts' table, because the op that
validates once must own the asset its checks are on. Error-severity suites are blocking:
when one fails, the assets downstream (the publish step) do not run, while the failed
verdict and its findings are still written for the stewards. Warnings never stop a run.
"""

from __future__ import annotations

import dagster as dg
import duckdb

from expectations.declarations import SuiteDeclaration, load_declarations
from expectations.runner import SuiteOutcome

RESULTS = dg.AssetKey(["quality", "quality_results"])
EXAMPLES = 10
SEVERITIES = {"error": dg.AssetCheckSeverity.ERROR, "warning": dg.AssetCheckSeverity.WARN}


def check_spec(declaration: SuiteDeclaration) -> dg.AssetCheckSpec:
    """The check a suite's verdict is reported as."""
    return dg.AssetCheckSpec(
        name=declaration.suite,
        asset=RESULTS,
        description=declaration.description,
        blocking=declaration.blocking,
    )


def check_specs() -> list[dg.AssetCheckSpec]:
    """Every declared suite's check."""
    return [check_spec(declaration) for declaration in load_declarations()]


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
        asset_key=RESULTS,
        check_name=outcome.declaration.suite,
        passed=outcome.success,
        severity=SEVERITIES[outcome.declaration.severity],
        description=outcome.declaration.description,
        metadata={
            "table": outcome.declaration.table,
            "expectations": len(outcome.results),
            "failed_expectations": dg.MetadataValue.json(failed),
            "findings": sum(count for _, count in by_field),
            "findings_by_field": dg.MetadataValue.json({str(f): n for f, n in by_field}),
            "example_case_ids": dg.MetadataValue.json([case_id for (case_id,) in examples]),
        },
    )
