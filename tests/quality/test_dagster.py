"""The suites as Dagster asset checks, and the quality asset writing quality.* and Data Docs."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from pipelines.defs.quality.assets import FINDINGS, RESULTS, WORKLIST, quality_tables
from pipelines.defs.quality.checks import quality_checks
from pipelines.defs.resources import Warehouse
from pipelines.settings import Settings
from tests.quality.conftest import load_clean_tables

FLOWS = dg.AssetKey(["marts", "period_flows"])
CASES = dg.AssetKey(["raw", "case_enrolments"])


def _run(plants: list[str], settings: Settings) -> dg.ExecuteInProcessResult:
    """Every quality check and the quality asset, against a work DB with planted defects."""
    settings.work_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.work_db)) as con:
        load_clean_tables(con)
        for plant in plants:
            con.execute(plant)
    job = dg.define_asset_job(
        "quality_only", selection=dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks()
    )
    defs = dg.Definitions(
        assets=[quality_tables],
        asset_checks=quality_checks().asset_checks,
        resources={"warehouse": Warehouse()},
        jobs=[job],
    )
    return defs.resolve_job_def("quality_only").execute_in_process(raise_on_error=False)


def _evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()
    }


def test_checks_guard_their_assets_with_declared_severity() -> None:
    specs = {
        spec.name: spec for check in quality_checks().asset_checks for spec in check.check_specs
    }
    assert specs["period_flows_consistency"].asset_key == FLOWS
    assert specs["period_flows_consistency"].blocking
    assert specs["kartlaggning_completeness"].asset_key == CASES
    assert not specs["kartlaggning_completeness"].blocking
    assert specs["ledger_rejects"].asset_key == dg.AssetKey(["raw", "ledger_transactions"])
    assert specs["scb_reconciliation"].asset_key == dg.AssetKey(["marts", "scb_reconciliation"])
    assert specs["stated_figures"].asset_key == dg.AssetKey(["marts", "stated_figure_checks"])
    assert quality_tables.group_names_by_key[RESULTS] == "quality"


def test_warnings_are_written_and_the_run_goes_on(finsam_env: Settings) -> None:
    result = _run(
        ["update raw.case_enrolments set education_level = null where case_id in ('C01', 'C02')"],
        finsam_env,
    )
    assert result.success
    evaluations = _evaluations(result)
    completeness = evaluations["kartlaggning_completeness"]
    assert not completeness.passed
    assert completeness.severity == dg.AssetCheckSeverity.WARN
    assert completeness.metadata["example_case_ids"].value == ["C01", "C02"]
    assert all(e.passed for name, e in evaluations.items() if name != "kartlaggning_completeness")
    materialized = {m.asset_key for m in result.asset_materializations_for_node("quality_tables")}
    assert materialized == {RESULTS, FINDINGS, WORKLIST}

    with duckdb.connect(str(finsam_env.work_db), read_only=True) as con:
        failed = con.sql(
            "select expectation, severity, observed_value, threshold "
            "from quality.quality_results where not success"
        ).fetchall()
        worklist = con.sql(
            "select case_id, field, since_date, days_open from marts.steward_worklist "
            "order by case_id"
        )
        worklist = worklist.fetchall()
    assert failed == [
        ("completeness:education_level:Samverkan", "warning", pytest.approx(4 / 6), 0.8)
    ]
    assert [(case_id, field) for case_id, field, *_ in worklist] == [
        ("C01", "education_level"),
        ("C02", "education_level"),
    ]
    assert worklist[0][3] > worklist[1][3]  # C01 has waited longer than C02
    assert (finsam_env.warehouse.parent / "data_docs" / "index.html").exists()


def test_broken_flow_identity_is_an_error_that_stops_downstream(finsam_env: Settings) -> None:
    result = _run(
        [
            "update marts.period_flows set active_at_end = active_at_end + 1 "
            "where unit = 'Hässleholm'"
        ],
        finsam_env,
    )
    assert not result.success
    flows = _evaluations(result)["period_flows_consistency"]
    assert not flows.passed
    assert flows.severity == dg.AssetCheckSeverity.ERROR
    assert flows.blocking
    assert flows.metadata["findings_by_field"].value == {"flow_identity_gap": 1}
    assert not result.asset_materializations_for_node("quality_tables")
