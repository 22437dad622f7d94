"""The quality asset: every suite validated once per run, on the dbt quality tables, its
verdict an asset check, written to quality.* with the build's clock, and Data Docs."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import pytest

from expectations.declarations import load_declarations
from pipelines.defs.quality.assets import (
    FINDINGS,
    RESULTS,
    WORKLIST,
    WORKLIST_SUMMARY,
    quality_tables,
)
from pipelines.defs.resources import resource_defs
from pipelines.settings import Settings
from tests.quality.conftest import Build

COMPLETENESS = dg.AssetKey(["quality", "quality_completeness"])


def _run(settings: Settings, build: Build, **plants: list[str]) -> dg.ExecuteInProcessResult:
    """The quality asset (with its checks) against a work DB dbt built with planted defects."""
    build(work_db=settings.work_db, **plants)
    return dg.materialize([quality_tables], resources=resource_defs(), raise_on_error=False)


def _evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()
    }


def test_checks_report_each_suite_with_declared_severity() -> None:
    specs = {spec.name: spec for spec in quality_tables.check_specs}
    assert set(specs) == {d.suite for d in load_declarations()}
    assert {spec.asset_key for spec in specs.values()} == {RESULTS}
    assert specs["period_flows_consistency"].blocking
    assert not specs["kartlaggning_completeness"].blocking
    assert COMPLETENESS in {dep.asset_key for dep in quality_tables.specs_by_key[RESULTS].deps}
    assert quality_tables.group_names_by_key[RESULTS] == "quality"


def test_one_validation_feeds_checks_results_and_worklist_on_one_clock(
    finsam_env: Settings, build: Build
) -> None:
    result = _run(
        finsam_env,
        build,
        raw=[
            "update raw.case_enrolments set education_level = null where case_id in ('C01', 'C02')"
        ],
    )
    assert result.success
    evaluations = _evaluations(result)
    # every verdict comes out of the one step that wrote quality.*: no suite runs twice
    steps = {
        event.step_key
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    }
    assert steps == {"quality_tables"}
    assert set(evaluations) == {d.suite for d in load_declarations()}
    completeness = evaluations["kartlaggning_completeness"]
    assert not completeness.passed
    assert completeness.severity == dg.AssetCheckSeverity.WARN
    assert completeness.metadata["example_case_ids"].value == ["C01", "C02"]
    assert all(e.passed for name, e in evaluations.items() if name != "kartlaggning_completeness")
    materialized = {m.asset_key for m in result.asset_materializations_for_node("quality_tables")}
    assert materialized == {RESULTS, FINDINGS, WORKLIST, WORKLIST_SUMMARY}

    with duckdb.connect(str(finsam_env.work_db), read_only=True) as con:
        failed = con.sql(
            "select expectation, severity, observed_value, threshold "
            "from quality.quality_results where not success"
        ).fetchall()
        worklist = con.sql(
            "select case_id, field, since_date, days_open from marts.steward_worklist "
            "order by case_id"
        ).fetchall()
        clocks = con.sql(
            "select (select list(distinct run_at) from quality.quality_results), "
            "(select list(distinct run_at) from quality.quality_findings), "
            "(select list(run_at) from quality.quality_run)"
        ).fetchall()[0]
    assert failed == [
        ("completeness:education_level:Samverkan", "warning", pytest.approx(4 / 6), 0.8)
    ]
    failed_in_check = json.loads(json.dumps(completeness.metadata["failed_expectations"].value))
    assert list(failed_in_check) == [failed[0][0]]
    assert [(case_id, field) for case_id, field, *_ in worklist] == [
        ("C01", "education_level"),
        ("C02", "education_level"),
    ]
    assert worklist[0][3] > worklist[1][3]  # C01 has waited longer than C02
    assert clocks[0] == clocks[1] == clocks[2]  # the dbt build's clock, nobody else's
    assert (finsam_env.warehouse.parent / "data_docs" / "index.html").exists()


def test_validating_a_build_again_replaces_its_verdicts(finsam_env: Settings, build: Build) -> None:
    build(work_db=finsam_env.work_db)
    for _ in range(2):
        assert dg.materialize([quality_tables], resources=resource_defs()).success
    with duckdb.connect(str(finsam_env.work_db), read_only=True) as con:
        [(runs, duplicated)] = con.sql(
            "select count(distinct run_at), count(*) - count(distinct (suite, expectation)) "
            "from quality.quality_results"
        ).fetchall()
    assert (runs, duplicated) == (1, 0)


def test_broken_flow_identity_is_a_blocking_error_with_its_findings_kept(
    finsam_env: Settings, build: Build
) -> None:
    result = _run(
        finsam_env,
        build,
        marts=[
            "update marts.period_flows set active_at_end = active_at_end + 1 "
            "where insats = 'Samverkan' and unit = 'Hässleholm' and period_type = 'month' "
            "and period_label = '2026-09'"
        ],
    )
    assert not result.success  # downstream of quality_results (publication) does not run
    flows = _evaluations(result)["period_flows_consistency"]
    assert not flows.passed
    assert flows.severity == dg.AssetCheckSeverity.ERROR
    assert flows.blocking
    assert flows.metadata["findings_by_field"].value == {"flow_identity_gap": 1}
    with duckdb.connect(str(finsam_env.work_db), read_only=True) as con:
        kept = con.sql(
            "select count(*) from quality.quality_findings where suite = 'period_flows_consistency'"
        ).fetchall()
    assert kept == [(1,)]  # the stewards still see why
