"""Every expectation passes on clean data and catches its planted defect, with findings.

Raw defects are planted together (on different cases) and go through one real dbt build;
mart defects are planted in the built marts and the quality models rebuilt over them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from expectations.declarations import load_declarations
from expectations.runner import SuiteOutcome, run_suites
from tests.quality.conftest import Build, quality_run


def _outcomes(work_db: Path) -> tuple[dict[str, SuiteOutcome], dict[str, pd.DataFrame]]:
    with duckdb.connect(str(work_db)) as con:
        outcomes = {o.declaration.suite: o for o in run_suites(con, quality_run(con))}
        findings = {suite: outcome.findings(con) for suite, outcome in outcomes.items()}
    return outcomes, findings


def _found(findings: pd.DataFrame) -> set[tuple[str | None, str]]:
    return {
        (None if pd.isna(c) else c, f)
        for c, f in zip(findings["case_id"], findings["field"], strict=True)
    }


def test_clean_data_passes_without_findings(build: Build) -> None:
    outcomes, findings = _outcomes(build())
    assert set(outcomes) == {d.suite for d in load_declarations()}
    for suite, outcome in outcomes.items():
        assert len(outcome.results) > 0, suite
        assert outcome.success, outcome.failed.to_dict("records")
        assert findings[suite].empty, findings[suite].to_dict("records")


def _cases(column: str, value: str, case_ids: list[str]) -> str:
    ids = ", ".join(f"'{case_id}'" for case_id in case_ids)
    return (
        f"update raw.case_enrolments set {column} = {value} "
        f"where case_id in ({ids}) and file_id <> 'f_gwa_old'"
    )


# (suite, planted SQL, expectation that must fail, (case_id, field) that must be found)
RAW_DEFECTS = [
    ("kartlaggning_completeness", _cases("education_level", "'Uppgift saknas'", ["C01", "C02"]),
     "completeness:education_level:Samverkan", ("C01", "education_level")),
    ("kartlaggning_completeness", _cases("physical_health", "' ej  BEDÖMD'", ["C03", "R02"]),
     "completeness:physical_health:Samverkan", ("R02", "physical_health")),
    ("kartlaggning_completeness", _cases("work_capacity", "''", ["C04", "C05"]),
     "completeness:work_capacity:Samverkan", ("C05", "work_capacity")),
    ("kartlaggning_completeness", _cases("years_on_public_support", "null", ["C01", "C03"]),
     "completeness:years_on_public_support:Samverkan", ("C03", "years_on_public_support")),
    ("kartlaggning_completeness", _cases("assessment_date", "null", ["C06", "C07", "R01"]),
     "completeness:assessment_date:Unga", ("R01", "assessment_date")),
    ("case_enrolments_validity", _cases("referral_date", "date '2026-01-25'", ["C01"]),
     "date_order:referral_date<=enrolment_date", ("C01", "enrolment_date")),
    ("case_enrolments_validity", _cases("assessment_date", "date '2026-03-01'", ["C03"]),
     "date_order:enrolment_date<=assessment_date", ("C03", "assessment_date")),
    ("case_enrolments_validity", _cases("exit_date", "date '2026-01-31'", ["C02"]),
     "date_order:enrolment_date<=exit_date", ("C02", "exit_date")),
    ("case_enrolments_validity", _cases("exit_date", "date '2026-12-24'", ["C05"]),
     "not_after_extraction:exit_date", ("C05", "exit_date")),
    ("case_enrolments_validity", _cases("referral_date", "date '2027-01-01'", ["C09"]),
     "not_after_extraction:referral_date", ("C09", "referral_date")),
    ("case_enrolments_validity", _cases("age_at_enrolment", "15", ["C06"]),
     "range:age_at_enrolment", ("C06", "age_at_enrolment")),
    ("case_enrolments_validity", _cases("age_at_enrolment", "65", ["R02"]),
     "range:age_at_enrolment", ("R02", "age_at_enrolment")),
    ("case_enrolments_validity", _cases("income_extent_at_enrolment", "120", ["C07"]),
     "range:income_extent_at_enrolment", ("C07", "income_extent_at_enrolment")),
    ("case_enrolments_validity", _cases("occupation_extent_at_exit", "-25", ["C04"]),
     "range:occupation_extent_at_exit", ("C04", "occupation_extent_at_exit")),
    ("case_enrolments_validity", _cases("exit_reason", "'Värnplikt'", ["C04"]),
     "vocabulary:exit_reason", ("C04", "exit_reason")),
    ("case_enrolments_validity", _cases("referrer", "'Kriminalvården'", ["R01"]),
     "vocabulary:referrer", ("R01", "referrer")),
    ("case_enrolments_validity", _cases("income_source_at_enrolment", "'Bostadsbidrag'", ["C02"]),
     "vocabulary:income_source_at_enrolment", ("C02", "income_source_at_enrolment")),
    ("case_enrolments_validity", _cases("work_capacity", "'Halv'", ["C03"]),
     "vocabulary:work_capacity", ("C03", "work_capacity")),
    ("case_enrolments_rejects",
     "insert into raw.rejects by name select 'f_gwa' as file_id, "
     "'gwa_hassleholm_20261101.csv' as source_file, 'gwa' as source_kind, 3 as row_number, "
     "'Personnummer' as field, 'kontrollsiffran stämmer inte' as reason, "
     "'field_nulled' as action, 'C03' as case_id",
     "rejects:invalid_personnummer", ("C03", "Personnummer")),
    ("ledger_rejects",
     "insert into raw.rejects by name select 'f_ledger' as file_id, "
     "'huvudbok_hassleholm_20261110.csv' as source_file, 'ledger' as source_kind, "
     "12 as row_number, 'Belopp' as field, 'kan inte tolkas: 12,3,4' as reason, "
     "'row_rejected' as action",
     "rejects:unparsable_amount", (None, "Belopp")),
    ("open_enrolment_duplicates",
     "insert into raw.case_enrolments by name select * replace ("
     "'C31' as case_id, 31 as row_number, 'Kristianstad' as unit, date '2026-06-01' as "
     "enrolment_date) from raw.case_enrolments where case_id = 'C03'",
     "unique_open_enrolment", ("C31", "exit_date")),
]  # fmt: skip

SCB_PERSONS = (
    "insert into marts.scb_reconciliation by name select '2019-3010123' as esf_project, "
    "'Samverkan' as insats, 'p' || lpad(cast(person as varchar), 2, '0') as person_key, "
    "true as in_case_system, person > {missing} as in_scb, case when person <= {missing} "
    "then 'only_case_system' else 'both' end as status from range(1, 41) as persons(person)"
)
MART_DEFECTS = [
    ("period_flows_consistency",
     "update marts.period_flows set active_at_end = active_at_end + 1 "
     "where period_type = 'month' and period_label = '2026-09' and unit = 'Hässleholm'",
     "identity:flow_identity_gap", (None, "flow_identity_gap")),
    ("period_flows_consistency",
     "update marts.period_flows set served = served - 2 where period_type = 'tertial'",
     "identity:served_gap", (None, "served_gap")),
    ("scb_reconciliation", SCB_PERSONS.format(missing=3),
     "scb_difference_share", ("C01", "esf_project")),
    ("stated_figures",
     "insert into marts.stated_figure_checks by name select 'Samverkan' as insats, "
     "'cost_per_participant' as figure, 17227.0 as stated_value, 19000.0 as computed_value, "
     "-1773.0 as difference, false as is_consistent",
     "stated_figure_consistent", (None, "cost_per_participant")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("where", "defects"), [("raw", RAW_DEFECTS), ("marts", MART_DEFECTS)], ids=["raw", "marts"]
)
def test_planted_defects_are_caught(build: Build, where: str, defects: list[tuple]) -> None:
    outcomes, findings = _outcomes(build(**{where: [plant for _, plant, *_ in defects]}))
    failed = {e for o in outcomes.values() for e in o.failed["expectation"]}
    assert failed == {expectation for _, _, expectation, _ in defects}
    for suite, _, expectation, finding in defects:
        assert expectation in set(outcomes[suite].failed["expectation"]), (suite, expectation)
        assert finding in _found(findings[suite]), findings[suite].to_dict("records")
