"""The quality tables: every suite validated once, its verdict reported as an asset check
and written with its findings to quality.*, the stewards' worklist and the Data Docs."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from expectations.declarations import load_declarations
from expectations.run_context import current_run
from expectations.runner import run_suites
from expectations.store import write_outcomes
from pipelines.defs.quality.checks import RESULTS, check_result, check_specs
from pipelines.defs.resources import InsatsConfigFile, PublishedWarehouse, WorkDatabase

FINDINGS = dg.AssetKey(["quality", "quality_findings"])
WORKLIST = dg.AssetKey(["marts", "steward_worklist"])
WORKLIST_SUMMARY = dg.AssetKey(["marts", "steward_worklist_summary"])


def _validated_tables() -> list[dg.AssetKey]:
    """The dbt quality models the suites validate (keyed `[schema, name]` by dbt)."""
    return sorted({dg.AssetKey(list(d.asset)) for d in load_declarations()}, key=str)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RESULTS,
            deps=_validated_tables(),
            description="Utfall per förväntan och körning (GX): historik över datakvaliteten.",
            kinds={"duckdb"},
        ),
        dg.AssetSpec(
            FINDINGS,
            deps=_validated_tables(),
            description="Fynd per ärende och problem från senaste körningen.",
            kinds={"duckdb"},
        ),
        dg.AssetSpec(
            WORKLIST,
            deps=[FINDINGS],
            description="Arbetslista för datavårdare: senaste körningens fynd per enhet och "
            "handläggare, äldst först.",
            kinds={"duckdb"},
        ),
        dg.AssetSpec(
            WORKLIST_SUMMARY,
            deps=[WORKLIST],
            description="Arbetslistans översikt: antal fynd per insats, enhet, handläggare "
            "och fält (sidan Datakvalitet).",
            kinds={"duckdb"},
        ),
    ],
    check_specs=check_specs(),
    group_name="quality",
)
def quality_tables(
    work_db: WorkDatabase, published_warehouse: PublishedWarehouse, config_file: InsatsConfigFile
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Validate every suite once on the dbt quality tables, against the build's run clock;
    write quality.quality_results and quality.quality_findings, report each verdict as an
    asset check and build the GX Data Docs beside the warehouse (`data_docs/index.html`)."""
    docs_dir = published_warehouse.file.parent / "data_docs"
    with work_db.connect() as con:
        outcomes = run_suites(con, current_run(con, config_file.file), docs_dir=docs_dir)
        write_outcomes(con, outcomes)
        checks = [check_result(outcome, con) for outcome in outcomes]
        findings, case_findings, summary_rows = con.execute(
            "select count(*), count(case_id), "
            "(select count(*) from marts.steward_worklist_summary) from quality.quality_findings"
        ).fetchall()[0]
    yield dg.MaterializeResult(
        asset_key=RESULTS,
        metadata={
            "expectations": sum(len(outcome.results) for outcome in outcomes),
            "failed_expectations": sum(len(outcome.failed) for outcome in outcomes),
            "data_docs": dg.MetadataValue.path(str(docs_dir / "index.html")),
        },
    )
    yield dg.MaterializeResult(asset_key=FINDINGS, metadata={"dagster/row_count": findings})
    yield dg.MaterializeResult(asset_key=WORKLIST, metadata={"dagster/row_count": case_findings})
    yield dg.MaterializeResult(
        asset_key=WORKLIST_SUMMARY, metadata={"dagster/row_count": summary_rows}
    )
    yield from checks
