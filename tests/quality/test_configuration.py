"""What the insats configuration decides: thresholds, mandatory fields, the SCB tolerance."""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

from expectations.declarations import declaration
from expectations.run_context import QualityRun, current_run
from expectations.runner import run_suite
from pipelines.settings import Settings


def test_a_gap_under_the_threshold_is_a_finding_but_no_failure(
    clean_db: duckdb.DuckDBPyConnection, quality_run: QualityRun
) -> None:
    clean_db.execute("update raw.case_enrolments set birth_region = '' where case_id = 'C01'")
    outcome = run_suite(clean_db, declaration("kartlaggning_completeness"), quality_run)
    assert outcome.success  # 5 of 6 due Samverkan enrolments have it: 0.83 >= 0.8
    assert outcome.findings(clean_db)[["case_id", "field"]].values.tolist() == [
        ["C01", "birth_region"]
    ]


def test_fields_and_grace_days_come_from_the_configuration(
    clean_db: duckdb.DuckDBPyConnection, quality_run: QualityRun
) -> None:
    clean_db.execute(
        "update raw.case_enrolments set work_capacity = 'Ej bedömd' where insats = 'Unga'"
    )
    clean_db.execute("update raw.case_enrolments set education_level = null where case_id = 'C02'")
    clean_db.execute("update raw.insats_config set grace_days = 300 where insats = 'Samverkan'")
    outcome = run_suite(clean_db, declaration("kartlaggning_completeness"), quality_run)
    assert outcome.success  # work_capacity is not mandatory for Unga
    # with 300 grace days only C01 (enrolled 2026-01-20) is due in Samverkan, not C02
    due = outcome.results[outcome.results["expectation"].str.endswith(":Samverkan")]
    assert len(due) == 9
    assert outcome.findings(clean_db).empty


def test_a_mandatory_field_the_suite_cannot_check_is_a_clear_error(
    clean_db: duckdb.DuckDBPyConnection, quality_run: QualityRun
) -> None:
    clean_db.execute(
        "update raw.insats_config set mandatory_fields = ['education_level', 'shoe_size'] "
        "where insats = 'Unga'"
    )
    with pytest.raises(ValueError, match="'Unga'.*shoe_size"):
        run_suite(clean_db, declaration("kartlaggning_completeness"), quality_run)


def test_scb_tolerance_from_the_configuration(
    clean_db: duckdb.DuckDBPyConnection, quality_run: QualityRun, finsam_env: Settings
) -> None:
    finsam_env.config.parent.mkdir(parents=True)
    finsam_env.config.write_text("quality:\n  scb_reconciliation_tolerance: 0.01\n")
    strict = dataclasses.replace(
        quality_run, scb_reconciliation_tolerance=current_run().scb_reconciliation_tolerance
    )
    assert strict.scb_reconciliation_tolerance == 0.01
    outcome = run_suite(clean_db, declaration("scb_reconciliation"), strict)
    assert not outcome.success  # 1 of 40 persons differs: 0.025 > 0.01
    assert outcome.findings(clean_db)["case_id"].tolist() == ["C01"]
