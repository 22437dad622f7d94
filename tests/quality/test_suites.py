"""Every expectation passes on clean data and catches its planted defect, with findings."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from expectations.declarations import declaration, load_declarations
from expectations.run_context import QualityRun
from expectations.runner import run_suite


def _failed(outcome) -> set[str]:
    return set(outcome.failed["expectation"])


@pytest.mark.parametrize("suite", [d.suite for d in load_declarations()])
def test_clean_data_passes_without_findings(
    clean_db: duckdb.DuckDBPyConnection, quality_run: QualityRun, suite: str
) -> None:
    outcome = run_suite(clean_db, declaration(suite), quality_run)
    assert len(outcome.results) > 0
    assert _failed(outcome) == set()
    findings = outcome.findings(clean_db)
    assert findings.empty, findings.to_dict("records")


def _cases(column: str, value: str, case_ids: list[str]) -> str:
    ids = ", ".join(f"'{case_id}'" for case_id in case_ids)
    return (
        f"update raw.case_enrolments set {column} = {value} "
        f"where case_id in ({ids}) and file_id <> 'f_gwa_old'"
    )


DEFECTS = [
    # (suite, planted SQL, expectation that must fail, (case_id, field) that must be found)
    pytest.param(
        "kartlaggning_completeness",
        _cases("education_level", "'Uppgift saknas'", ["C01", "C02"]),
        "completeness:education_level:Samverkan",
        ("C01", "education_level"),
        id="education_level_uppgift_saknas",
    ),
    pytest.param(
        "kartlaggning_completeness",
        _cases("physical_health", "' ej  BEDÖMD'", ["C03", "R02"]),
        "completeness:physical_health:Samverkan",
        ("R02", "physical_health"),
        id="physical_health_ej_bedomd",
    ),
    pytest.param(
        "kartlaggning_completeness",
        _cases("work_capacity", "''", ["C04", "C05"]),
        "completeness:work_capacity:Samverkan",
        ("C05", "work_capacity"),
        id="work_capacity_empty",
    ),
    pytest.param(
        "kartlaggning_completeness",
        _cases("years_on_public_support", "null", ["C01", "C03"]),
        "completeness:years_on_public_support:Samverkan",
        ("C03", "years_on_public_support"),
        id="years_on_public_support_null",
    ),
    pytest.param(
        "kartlaggning_completeness",
        _cases("assessment_date", "null", ["C06", "C07", "R01"]),
        "completeness:assessment_date:Unga",
        ("R01", "assessment_date"),
        id="assessment_date_not_done",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("referral_date", "date '2026-01-25'", ["C01"]),
        "date_order:referral_date<=enrolment_date",
        ("C01", "enrolment_date"),
        id="referral_after_enrolment",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("assessment_date", "date '2026-03-01'", ["C03"]),
        "date_order:enrolment_date<=assessment_date",
        ("C03", "assessment_date"),
        id="assessment_before_enrolment",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("exit_date", "date '2026-01-31'", ["C02"]),
        "date_order:enrolment_date<=exit_date",
        ("C02", "exit_date"),
        id="exit_before_enrolment",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("exit_date", "date '2026-12-24'", ["C05"]),
        "not_future:exit_date",
        ("C05", "exit_date"),
        id="exit_in_future",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("referral_date", "date '2027-01-01'", ["C09"]),
        "not_future:referral_date",
        ("C09", "referral_date"),
        id="referral_in_future",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("age_at_enrolment", "15", ["C06"]),
        "range:age_at_enrolment",
        ("C06", "age_at_enrolment"),
        id="age_15",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("age_at_enrolment", "65", ["R02"]),
        "range:age_at_enrolment",
        ("R02", "age_at_enrolment"),
        id="age_65",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("income_extent_at_enrolment", "120", ["C07"]),
        "range:income_extent_at_enrolment",
        ("C07", "income_extent_at_enrolment"),
        id="income_extent_120",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("occupation_extent_at_exit", "-25", ["C04"]),
        "range:occupation_extent_at_exit",
        ("C04", "occupation_extent_at_exit"),
        id="occupation_extent_negative",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("exit_reason", "'Värnplikt'", ["C04"]),
        "vocabulary:exit_reason",
        ("C04", "exit_reason"),
        id="unknown_exit_reason",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("referrer", "'Kriminalvården'", ["R01"]),
        "vocabulary:referrer",
        ("R01", "referrer"),
        id="unknown_referrer",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("income_source_at_enrolment", "'Bostadsbidrag'", ["C02"]),
        "vocabulary:income_source_at_enrolment",
        ("C02", "income_source_at_enrolment"),
        id="unknown_income_source",
    ),
    pytest.param(
        "case_enrolments_validity",
        _cases("work_capacity", "'Halv'", ["C03"]),
        "vocabulary:work_capacity",
        ("C03", "work_capacity"),
        id="unknown_work_capacity",
    ),
    pytest.param(
        "case_enrolments_rejects",
        "insert into raw.rejects by name select 'f_gwa' as file_id, "
        "'gwa_hassleholm_20261101.csv' as source_file, 'gwa' as source_kind, 3 as row_number, "
        "'Personnummer' as field, 'kontrollsiffran stämmer inte' as reason, "
        "'field_nulled' as action, 'C03' as case_id",
        "rejects:invalid_personnummer",
        ("C03", "Personnummer"),
        id="personnummer_checksum",
    ),
    pytest.param(
        "ledger_rejects",
        "insert into raw.rejects by name select 'f_ledger' as file_id, "
        "'huvudbok_hassleholm_20261110.csv' as source_file, 'ledger' as source_kind, "
        "12 as row_number, 'Belopp' as field, 'kan inte tolkas: 12,3,4' as reason, "
        "'row_rejected' as action",
        "rejects:unparsable_amount",
        (None, "Belopp"),
        id="ledger_amount_unparsable",
    ),
    pytest.param(
        "open_enrolment_duplicates",
        "insert into raw.case_enrolments by name select * replace ("
        "'C31' as case_id, 31 as row_number, 'Kristianstad' as unit, date '2026-06-01' as "
        "enrolment_date) from raw.case_enrolments where case_id = 'C03'",
        "unique_open_enrolment",
        ("C31", "exit_date"),
        id="two_open_enrolments",
    ),
    pytest.param(
        "period_flows_consistency",
        "update marts.period_flows set active_at_end = active_at_end + 1 "
        "where period_label = '2026-09' and unit = 'Hässleholm'",
        "identity:flow_identity_gap",
        (None, "flow_identity_gap"),
        id="flow_identity_broken",
    ),
    pytest.param(
        "period_flows_consistency",
        "update marts.period_flows set served = served - 2 where period_type = 'tertial'",
        "identity:served_gap",
        (None, "served_gap"),
        id="served_identity_broken",
    ),
    pytest.param(
        "scb_reconciliation",
        "update marts.scb_reconciliation set in_case_system = false, status = 'only_scb' "
        "where person_key in ('k10', 'k11', 'k12')",
        "scb_difference_share",
        (None, "esf_project"),
        id="scb_difference_over_tolerance",
    ),
    pytest.param(
        "stated_figures",
        "update marts.stated_figure_checks set computed_value = 19000, difference = -1773, "
        "is_consistent = false",
        "stated_figure_consistent",
        (None, "cost_per_participant"),
        id="stated_figure_differs",
    ),
]


@pytest.mark.parametrize(("suite", "plant", "expectation", "finding"), DEFECTS)
def test_planted_defect_is_caught(
    clean_db: duckdb.DuckDBPyConnection,
    quality_run: QualityRun,
    suite: str,
    plant: str,
    expectation: str,
    finding: tuple[str | None, str],
) -> None:
    clean_db.execute(plant)
    outcome = run_suite(clean_db, declaration(suite), quality_run)
    assert _failed(outcome) == {expectation}
    findings = outcome.findings(clean_db)
    found = {
        (None if pd.isna(c) else c, f)
        for c, f in zip(findings["case_id"], findings["field"], strict=True)
    }
    assert finding in found, findings.to_dict("records")
