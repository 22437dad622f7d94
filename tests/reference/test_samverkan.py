"""Reference case 2, Samverkan utan gränser: every figure the ESF evaluation published,
reproduced from the two sites' SCB reports and Hässleholm's case system, and
Kristianstad's stated cohort of 101 (its exit codes add up to 102) flagged."""

from __future__ import annotations

import pytest

from tests.reference import build_samverkan as case
from tests.reference.pipeline import BuiltCase, report_json

pytestmark = pytest.mark.slow

INSATS = case.INSATS
PUBLISHED = case.PUBLISHED
ESF = "from marts.esf_participants where insats = $1"


def test_pipeline_run_succeeds(samverkan: BuiltCase) -> None:
    assert samverkan.returncode == 0, samverkan.output[-4000:]


def test_360_unique_persons_two_at_both_sites(samverkan: BuiltCase) -> None:
    rows = samverkan.query(f"select unit, count(*) {ESF} group by unit", INSATS)
    assert dict(rows) == {"Hässleholm": 216, "Kristianstad": 142, "Flera enheter": 2}
    total = samverkan.query(f"select count(distinct person_key) {ESF}", INSATS)
    assert total[0][0] == PUBLISHED["participants"]["Alla enheter"]


@pytest.mark.parametrize("unit", ["Alla enheter", "Hässleholm", "Kristianstad"])
def test_exit_codes_per_site(samverkan: BuiltCase, unit: str) -> None:
    rows = samverkan.query(
        f"select exit_reason_code, count(*) {ESF} and ($2 = 'Alla enheter' or unit = $2) "
        "group by 1",
        INSATS,
        unit,
    )
    expected = {code: n for code, n in PUBLISHED["exit_codes"][unit].items() if n}
    assert dict(rows) == expected


def test_both_sites_persons_have_code_5(samverkan: BuiltCase) -> None:
    rows = samverkan.query(f"select exit_reason_code {ESF} and unit = 'Flera enheter'", INSATS)
    assert rows == [(5,), (5,)]


def test_21_second_reasons_all_3_or_5(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        f"select exit_reason_2_code, count(*) {ESF} and exit_reason_2_code is not null group by 1",
        INSATS,
    )
    assert sum(n for _, n in rows) == 21
    assert {code for code, _ in rows} <= {3, 5}


def test_work_or_studies_by_site_and_gender(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        f"select unit, gender, count_if(is_work_or_studies), count(*) {ESF} "
        "and unit <> 'Flera enheter' group by all",
        INSATS,
    )
    assert {(unit, g): (ws, n) for unit, g, ws, n in rows} == PUBLISHED["work_or_studies_by_gender"]


def test_cohort_over_3_months(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        f"select unit, count(*) {ESF} and months_enrolled >= 3 and unit <> 'Flera enheter' "
        "group by unit",
        INSATS,
    )
    assert dict(rows) == PUBLISHED["cohort_over_3_months"]


def test_hassleholm_cohort_to_work_or_studies_by_gender(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        f"select gender, count_if(is_work_or_studies), count(*) {ESF} "
        "and unit = 'Hässleholm' and time_enrolled_band <> '<3' group by gender",
        INSATS,
    )
    assert {g: (ws, n) for g, ws, n in rows} == PUBLISHED["cohort_work_or_studies_by_gender"]


def test_hassleholm_work_or_studies_by_time_enrolled(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        f"select time_enrolled_band, count_if(is_work_or_studies) {ESF} "
        "and unit = 'Hässleholm' group by 1",
        INSATS,
    )
    assert dict(rows) == PUBLISHED["work_or_studies_by_band_hassleholm"]


def test_hassleholm_over_12_months_two_to_work(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        f"select count(*), count_if(exit_reason_code = 1), count_if(exit_reason_label = 'Arbete') "
        f"{ESF} and unit = 'Hässleholm' and time_enrolled_band = '>12'",
        INSATS,
    )
    persons, to_work = PUBLISHED["over_12_months_hassleholm"]
    assert rows == [(persons, to_work, to_work)]


def test_case_system_has_231_persons(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        "select unit, count(distinct person_key), count(*) from marts.enrolments "
        "where insats = $1 group by unit",
        INSATS,
    )
    assert rows == [("Hässleholm", case.CASE_SYSTEM_PERSONS, case.CASE_SYSTEM_PERSONS)]


def test_141_born_in_nordic_countries(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        "select count(*) from raw.case_enrolments as rows "
        "join raw.file_registry as files using (file_id) "
        "where files.is_current and rows.insats = $1 "
        "and rows.birth_region in ('Sverige', 'Norden utom Sverige')",
        INSATS,
    )
    assert rows[0][0] == case.NORDIC_BORN


@pytest.mark.parametrize(
    ("field", "missing"),
    [
        ("education_level", case.EDUCATION_MISSING),
        ("work_experience", case.WORK_EXPERIENCE_MISSING),
    ],
)
def test_kartlaggning_gaps_are_findings(samverkan: BuiltCase, field: str, missing: int) -> None:
    """Education missing for 53 of 231 (23 %), Swedish work experience for 48 of the 141
    born in the Nordic countries (34 %): one finding per case, in the latest run."""
    rows = samverkan.query(
        "select count(distinct case_id) from quality.quality_findings "
        "where insats = $1 and field = $2 "
        "and run_at = (select max(run_at) from quality.quality_findings)",
        INSATS,
        field,
    )
    assert rows[0][0] == missing


def test_16_never_reported_to_scb(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        "select count(*) from (select person_key, bool_or(in_scb) as in_scb, "
        "bool_or(in_case_system) as in_case_system from marts.scb_reconciliation "
        "where insats = $1 group by person_key) where in_case_system and not in_scb",
        INSATS,
    )
    assert rows[0][0] == case.NOT_REPORTED_TO_SCB


def test_8_reported_by_hassleholm_missing_from_case_system(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        "select count(distinct person_key) from marts.scb_reconciliation "
        "where insats = $1 and esf_project = $2 and in_scb and not in_case_system",
        INSATS,
        case.PROJECT_HASSLEHOLM,
    )
    assert rows[0][0] == case.NOT_IN_CASE_SYSTEM


def test_kristianstad_stated_cohort_is_flagged(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        "select unit, figure, stated_value, computed_value, is_consistent "
        "from marts.stated_figure_checks where insats = $1",
        INSATS,
    )
    checks = {(unit, figure): (stated, computed, ok) for unit, figure, stated, computed, ok in rows}
    assert checks == {
        ("Hässleholm", "esf_cohort_over_3_months"): (144, 144, True),
        ("Kristianstad", "esf_cohort_over_3_months"): (101, 102, False),
        ("Alla enheter", "esf_participants"): (360, 360, True),
    }


def test_report_for_hassleholm(samverkan: BuiltCase) -> None:
    report = report_json(
        samverkan,
        *("--insats", INSATS, "--unit", "Hässleholm"),
        *("--from", "2012-09-01", "--to", "2014-06-30"),
    )
    reported = case.CASE_SYSTEM_PERSONS - case.NOT_REPORTED_TO_SCB
    assert report["scb_reconciliation"] == {
        "both_sources": reported,
        "only_case_system": case.NOT_REPORTED_TO_SCB,
        "only_scb": case.NOT_IN_CASE_SYSTEM,
    }
    assert (report["enrolled"], report["exited"], report["active_at_end"]) == (231, 231, 0)
    assert report["served"] == case.CASE_SYSTEM_PERSONS
    assert report["scb_reconciliation_all_time"] == report["scb_reconciliation"]


def test_reconciliation_follows_the_period_asked_for(samverkan: BuiltCase) -> None:
    """A tertial reconciles who was enrolled or reported in the tertial, not everyone
    since the first delivery; the all-time counts are stated beside it."""
    report = report_json(
        samverkan,
        *("--insats", INSATS, "--unit", "Hässleholm"),
        *("--from", "2013-05-01", "--to", "2013-08-31"),
    )
    period, all_time = report["scb_reconciliation"], report["scb_reconciliation_all_time"]
    assert 0 < sum(period.values()) < sum(all_time.values())
    [row] = samverkan.query(
        "select both_sources, only_case_system, only_scb from marts.scb_reconciliation_periods "
        "where insats = $1 and unit = 'Hässleholm' and period_type = 'tertial' "
        "and period_start = date '2013-05-01'",
        INSATS,
    )
    assert tuple(period.values()) == row


def test_kristianstad_inconsistency_reaches_the_stewards(samverkan: BuiltCase) -> None:
    rows = samverkan.query(
        "select unit, field from quality.quality_findings "
        "where \"check\" = 'stated_figure_consistent' and insats = $1 "
        "and run_at = (select max(run_at) from quality.quality_findings)",
        INSATS,
    )
    assert rows == [("Kristianstad", "esf_cohort_over_3_months")]
