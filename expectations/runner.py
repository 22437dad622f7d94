"""Validating the declared suites once per run, with one GX context, on the dbt quality tables.

GX's SQL datasource returns empty metrics on DuckDB here, so each suite pulls just the
columns it needs from its table (`con.sql(...).df()`) and validates them as a pandas
batch. The outcomes feed the asset checks, quality.* and the Data Docs alike.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import great_expectations as gx
import pandas as pd
from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.data_context.types.base import ProgressBarsConfig

from expectations.declarations import SuiteDeclaration, literal, load_declarations
from expectations.kinds import KINDS
from expectations.run_context import QualityRun
from pipelines.ingest.pseudonym import redact_text

EXAMPLES = 20
DOCS_SITE = "finsam"


@dataclass(frozen=True)
class SuiteOutcome:
    """A suite's verdicts (rows of quality.quality_results) and the SQL of its findings.

    Findings stay in DuckDB: at a million enrolments there can be a million of them.
    """

    declaration: SuiteDeclaration
    run: QualityRun
    results: pd.DataFrame
    findings_sql: str

    @property
    def success(self) -> bool:
        return bool(self.results["success"].all())

    @property
    def failed(self) -> pd.DataFrame:
        return self.results[~self.results["success"]]

    def findings_relation_sql(self) -> str:
        """The findings with the columns of quality.quality_findings."""
        return f"""select
            {literal(self.run.run_at.isoformat())}::timestamptz as run_at,
            {literal(self.declaration.suite)} as suite,
            "check",
            {literal(self.declaration.severity)} as severity,
            organisation::varchar as organisation, insats::varchar as insats,
            unit::varchar as unit, caseworker::varchar as caseworker,
            case_id::varchar as case_id, field::varchar as field, problem::varchar as problem,
            since_date::date as since_date, days_open::integer as days_open,
            priority::integer as priority
        from ({self.findings_sql})"""

    def findings(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        """All findings as a DataFrame: for small data and tests."""
        return con.sql(self.findings_relation_sql()).df()


def ephemeral_context() -> gx.data_context.AbstractDataContext:
    """An in-memory GX context without progress bars (they would flood the run logs)."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _validate(
    context: gx.data_context.AbstractDataContext,
    declaration: SuiteDeclaration,
    frame: pd.DataFrame,
    suite: gx.ExpectationSuite,
) -> ExpectationSuiteValidationResult:
    source = context.data_sources.add_pandas(suite.name)
    asset = source.add_dataframe_asset(declaration.table)
    batch = asset.add_batch_definition_whole_dataframe("current")
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=context.suites.add(suite))
    )
    return validation.run(
        batch_parameters={"dataframe": frame},
        result_format=result_format(declaration),
    )


def result_format(declaration: SuiteDeclaration) -> dict:
    """SUMMARY counts; unexpected values and example rows only where the suite allows them.

    `partial_unexpected_count: 0` empties GX's value list, value counts and index list
    (what Data Docs render); `exclude_unexpected_values` is no help on pandas, where it
    returns every unexpected row's index instead.
    """
    return {
        "result_format": "SUMMARY",
        "partial_unexpected_count": EXAMPLES if declaration.unexpected_values else 0,
        "unexpected_index_column_names": list(declaration.index_columns),
    }


def _details(result) -> str:
    config, outcome = result.expectation_config, result.result
    kwargs = {key: value for key, value in config.kwargs.items() if key != "batch_id"}
    details = {
        "expectation_type": config.type,
        "kwargs": kwargs,
        "element_count": outcome.get("element_count"),
        "unexpected_count": outcome.get("unexpected_count"),
        "missing_count": outcome.get("missing_count"),
        "examples": (outcome.get("partial_unexpected_index_list") or [])[:EXAMPLES],
    }
    if result.exception_info.get("raised_exception"):
        # GX may quote a value in its message.
        details["exception"] = redact_text(str(result.exception_info.get("exception_message")))
    return json.dumps(details, default=str, ensure_ascii=False)


def _observed(result) -> float | None:
    """Share of checked rows that pass; for aggregate expectations, the aggregate itself."""
    outcome = result.result
    if "unexpected_percent" in outcome:
        return 1 - (outcome["unexpected_percent"] or 0) / 100
    try:
        return float(outcome.get("observed_value"))
    except (TypeError, ValueError):
        return None


def _result_rows(
    declaration: SuiteDeclaration,
    run: QualityRun,
    validations: list[ExpectationSuiteValidationResult],
) -> pd.DataFrame:
    """One row per expectation, with the required share (or aggregate) as threshold."""
    rows = [
        {
            "run_at": run.run_at,
            "suite": declaration.suite,
            "expectation": result.expectation_config.meta["name"],
            "asset": declaration.table,
            "severity": result.expectation_config.meta["severity"],
            "success": bool(result.success),
            "observed_value": _observed(result),
            "threshold": float(
                result.expectation_config.meta.get(
                    "threshold", result.expectation_config.kwargs.get("mostly", 1.0)
                )
            ),
            "details": _details(result),
        }
        for validation in validations
        for result in validation.results
    ]
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


RESULT_COLUMNS = [
    "run_at",
    "suite",
    "expectation",
    "asset",
    "severity",
    "success",
    "observed_value",
    "threshold",
    "details",
]


def findings_sql(declaration: SuiteDeclaration, run: QualityRun) -> str:
    """The suite's rows of its table that carry a problem: its findings."""
    kind = KINDS[declaration.kind]
    return (
        f"select * from {declaration.table} where problem is not null "
        f"and {declaration.scope_sql} and {kind.findings_where(declaration, run)}"
    )


def run_suite(
    con: duckdb.DuckDBPyConnection,
    declaration: SuiteDeclaration,
    run: QualityRun,
    context: gx.data_context.AbstractDataContext,
) -> SuiteOutcome:
    """Validate one suite's table in the run's context; its findings stay SQL."""
    try:
        frame, suite = KINDS[declaration.kind].batch(con, declaration, run)
    except duckdb.Error as error:
        raise RuntimeError(f"suite {declaration.suite} on {declaration.table}: {error}") from error
    validation = _validate(context, declaration, frame, suite)
    return SuiteOutcome(
        declaration,
        run,
        _result_rows(declaration, run, [validation]),
        findings_sql(declaration, run),
    )


def run_suites(
    con: duckdb.DuckDBPyConnection,
    run: QualityRun,
    declarations: Iterable[SuiteDeclaration] | None = None,
    docs_dir: Path | None = None,
) -> list[SuiteOutcome]:
    """Validate suites (all declared ones unless given) once, in one context, against one
    run clock; build the Data Docs of exactly these validations."""
    context = ephemeral_context()
    outcomes = [
        run_suite(con, declaration, run, context)
        for declaration in (declarations or load_declarations())
    ]
    if docs_dir is not None:
        build_data_docs(context, docs_dir)
    return outcomes


def build_data_docs(context: gx.data_context.AbstractDataContext, docs_dir: Path) -> Path:
    """Render this run's suites and validations as static HTML, replacing the last run's."""
    shutil.rmtree(docs_dir, ignore_errors=True)
    context.add_data_docs_site(
        DOCS_SITE,
        {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    context.build_data_docs(site_names=[DOCS_SITE])
    return docs_dir / "index.html"
