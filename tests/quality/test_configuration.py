"""What the insats configuration decides: thresholds, mandatory fields, the SCB tolerance."""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.declarations import declaration
from expectations.run_context import current_run
from expectations.runner import run_suites
from pipelines.settings import Settings
from tests.dbt.conftest import run_dbt
from tests.quality.conftest import QUALITY, VARS, Build, load_clean_tables, quality_run
from tests.quality.test_suites import SCB_PERSONS


def _completeness(work_db: Path):
    with duckdb.connect(str(work_db)) as con:
        [outcome] = run_suites(con, quality_run(con), [declaration("kartlaggning_completeness")])
        return outcome, outcome.findings(con)


def test_a_gap_under_the_threshold_is_a_finding_but_no_failure(build: Build) -> None:
    outcome, findings = _completeness(
        build(raw=["update raw.case_enrolments set birth_region = '' where case_id = 'C01'"])
    )
    assert outcome.success  # 5 of 6 due Samverkan enrolments have it: 0.83 >= 0.8
    assert findings[["case_id", "field"]].values.tolist() == [["C01", "birth_region"]]


def test_fields_and_grace_days_come_from_the_configuration(build: Build) -> None:
    outcome, findings = _completeness(
        build(
            raw=[
                "update raw.case_enrolments set work_capacity = 'Ej bedömd' where insats = 'Unga'",
                "update raw.case_enrolments set education_level = null where case_id = 'C02'",
                "update raw.insats_config set grace_days = 300 where insats = 'Samverkan'",
            ]
        )
    )
    assert outcome.success  # work_capacity is not mandatory for Unga
    # with 300 grace days only C01 (enrolled 2026-01-20) is due in Samverkan, not C02
    due = outcome.results[outcome.results["expectation"].str.endswith(":Samverkan")]
    assert len(due) == 9
    assert findings.empty


def test_a_mandatory_field_dbt_cannot_check_stops_the_build(
    tmp_path: Path, quality_target: Path
) -> None:
    work_db = tmp_path / "work.duckdb"
    with duckdb.connect(str(work_db)) as con:
        load_clean_tables(con)
        con.execute(
            "update raw.insats_config set mandatory_fields = ['education_level', 'shoe_size'] "
            "where insats = 'Unga'"
        )
    untested = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    built = run_dbt(
        ["build", "--select", f"+{QUALITY}", *untested, "--vars", VARS], work_db, quality_target
    )
    assert built.returncode != 0
    assert "insats 'Unga': mandatory_fields [shoe_size]" in built.stdout


def test_scb_tolerance_from_the_configuration(build: Build, finsam_env: Settings) -> None:
    finsam_env.config.parent.mkdir(parents=True)
    finsam_env.config.write_text("quality:\n  scb_reconciliation_tolerance: 0.01\n")
    work_db = build(marts=[SCB_PERSONS.format(missing=1)])
    with duckdb.connect(str(work_db)) as con:
        run = current_run(con, finsam_env.config)
        assert run.scb_reconciliation_tolerance == 0.01
        [outcome] = run_suites(con, run, [declaration("scb_reconciliation")])
        assert not outcome.success  # 1 of 40 persons differs: 0.025 > 0.01
        assert outcome.findings(con)["case_id"].tolist() == ["C01"]
        [default] = run_suites(con, quality_run(con), [declaration("scb_reconciliation")])
        assert default.success and default.findings(con).empty  # 0.025 <= 0.05
