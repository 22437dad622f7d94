"""The quality tables: every suite's verdicts and findings, the stewards' worklist, Data Docs."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from expectations.declarations import load_declarations
from expectations.run_context import current_run
from expectations.runner import run_suites
from expectations.store import write_outcomes
from pipelines.defs.resources import Warehouse

RESULTS = dg.AssetKey(["quality", "quality_results"])
FINDINGS = dg.AssetKey(["quality", "quality_findings"])
WORKLIST = dg.AssetKey(["marts", "steward_worklist"])


def _guarded_assets() -> list[dg.AssetKey]:
    return sorted({dg.AssetKey(list(d.asset)) for d in load_declarations()}, key=str)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RESULTS,
            deps=_guarded_assets(),
            description="Utfall per förväntan och körning (GX): historik över datakvaliteten.",
            kinds={"duckdb"},
        ),
        dg.AssetSpec(
            FINDINGS,
            deps=_guarded_assets(),
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
    ],
    group_name="quality",
)
def quality_tables(warehouse: Warehouse) -> Iterator[dg.MaterializeResult]:
    """Validate every suite, write quality.quality_results and quality.quality_findings, and
    build the GX Data Docs beside the warehouse (`data_docs/index.html`)."""
    docs_dir = warehouse.settings.warehouse.parent / "data_docs"
    with warehouse.connect() as con:
        outcomes = run_suites(con, current_run(), docs_dir=docs_dir)
        write_outcomes(con, outcomes)
        findings, case_findings = con.execute(
            "select count(*), count(case_id) from quality.quality_findings"
        ).fetchall()[0]
    failed = sum(len(outcome.failed) for outcome in outcomes)
    yield dg.MaterializeResult(
        asset_key=RESULTS,
        metadata={
            "expectations": sum(len(outcome.results) for outcome in outcomes),
            "failed_expectations": failed,
            "data_docs": dg.MetadataValue.path(str(docs_dir / "index.html")),
        },
    )
    yield dg.MaterializeResult(asset_key=FINDINGS, metadata={"dagster/row_count": findings})
    yield dg.MaterializeResult(asset_key=WORKLIST, metadata={"dagster/row_count": case_findings})
