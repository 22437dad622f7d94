"""Reference case 1, Duellen: the published evaluation's figures reproduced exactly by the
pipeline from the team's register and the municipality's ledger, and its inconsistent
hand-computed cost per participant flagged, not repaired."""

from __future__ import annotations

import pytest

from tests.reference import build_duellen as case
from tests.reference.pipeline import BuiltCase, report_json

pytestmark = pytest.mark.slow

INSATS = case.INSATS
REFERRALS_COMMON = {
    "Arbetsförmedlingen": 106,
    "Socialtjänst": 71,
    "Region": 12,
    "Försäkringskassan": 7,
}
EXITS_COMMON = {
    "Arbete": 38,
    "Studier": 15 + 13,
    "Annat": 18 + 9 + 19,
    "Medicinsk rehabilitering": 11,
    "Annan arbetslivsinriktad rehabilitering": 10,
}
YEAR_ENDS = {2007: "2007-12-31", 2008: "2008-12-31", 2009: "2009-07-31"}


def test_pipeline_run_succeeds(duellen: BuiltCase) -> None:
    assert duellen.returncode == 0, duellen.output[-4000:]


def test_register_loads_every_row(duellen: BuiltCase) -> None:
    rows = duellen.query(
        "select rows_read, rows_loaded, rows_rejected, status from raw.file_registry "
        "where file_name = $1",
        case.REGISTER_FILE,
    )
    assert rows == [(196, 196, 0, "loaded")]


def test_133_participants_52_women_81_men(duellen: BuiltCase) -> None:
    rows = duellen.query(
        "select gender, count(*) from marts.enrolments where insats = $1 group by gender",
        INSATS,
    )
    assert dict(rows) == {"K": case.WOMEN, "M": case.MEN}


def test_mean_age_22(duellen: BuiltCase) -> None:
    rows = duellen.query(
        "select avg(age_at_enrolment) from marts.enrolments where insats = $1", INSATS
    )
    assert rows[0][0] == pytest.approx(case.MEAN_AGE, abs=1e-9)


def test_196_referral_cases_per_agency(duellen: BuiltCase) -> None:
    """One remiss event per delivered row: a participant referred by several agencies has
    several, but the overlapping rows are one enrolment episode."""
    rows = duellen.query(
        "select referrer, count(*), count(distinct enrolment_id) from marts.participant_timeline "
        "where insats = $1 and event_type = 'remiss' group by referrer",
        INSATS,
    )
    assert {referrer: n for referrer, n, _ in rows} == REFERRALS_COMMON
    episodes = duellen.query(
        "select count(distinct enrolment_id) from marts.participant_timeline "
        "where insats = $1 and event_type = 'remiss'",
        INSATS,
    )
    assert episodes[0][0] == case.WOMEN + case.MEN


def test_local_exit_categories_map_onto_common_vocabulary(duellen: BuiltCase) -> None:
    rows = duellen.query(
        "select exit_reason, count(*) from marts.enrolments where insats = $1 group by 1",
        INSATS,
    )
    assert dict(rows) == EXITS_COMMON


def test_66_of_133_to_work_or_studies(duellen: BuiltCase) -> None:
    rows = duellen.query(
        "select count_if(is_work_or_studies), count(*) from marts.enrolments where insats = $1",
        INSATS,
    )
    assert rows == [(case.WORK_OR_STUDIES, 133)]


@pytest.mark.parametrize("year", sorted(YEAR_ENDS))
def test_costs_per_year_and_cost_line(duellen: BuiltCase, year: int) -> None:
    rows = duellen.query(
        "select cost_line, actual_to_date from marts.budget_vs_forecast "
        "where insats = $1 and year = $2 and as_of_date = $3 and cost_line <> 'Totalt'",
        INSATS,
        year,
        YEAR_ENDS[year],
    )
    expected = {line: per_year[year] for line, per_year in case.COSTS.items()}
    assert {line: float(actual) for line, actual in rows} == expected


def test_total_cost_and_cost_per_participant(duellen: BuiltCase) -> None:
    rows = duellen.query(
        "select figure, computed_value from marts.stated_figure_checks where insats = $1",
        INSATS,
    )
    computed = dict(rows)
    assert computed["cost"] == pytest.approx(case.TOTAL_COST, abs=0.005)
    assert round(computed["cost_per_participant"]) == case.COST_PER_PARTICIPANT
    assert computed["participants"] == 133


def test_published_inconsistency_is_flagged(duellen: BuiltCase) -> None:
    """17 227 kr per participant for 2 297 829 kr matches neither the ledger nor 133
    participants: flagged, while the consistent participant count is not."""
    rows = duellen.query(
        "select figure, stated_value, is_consistent from marts.stated_figure_checks "
        "where insats = $1",
        INSATS,
    )
    checks = {figure: (stated, consistent) for figure, stated, consistent in rows}
    assert checks == {
        "participants": (133, True),
        "cost": (case.STATED_TOTAL_COST, False),
        "cost_per_participant": (case.STATED_COST_PER_PARTICIPANT, False),
    }


def test_report_reproduces_published_figures(duellen: BuiltCase) -> None:
    report = report_json(duellen, "--insats", INSATS, "--from", "2007-10-01", "--to", "2009-07-31")
    flows = {key: report[key] for key in ("active_at_start", "enrolled", "exited", "dropouts")}
    assert flows == {"active_at_start": 0, "enrolled": 133, "exited": 133, "dropouts": 0}
    assert (report["active_at_end"], report["served"], report["queue_at_end"]) == (0, 133, 0)
    assert report["goal_share"] == pytest.approx(66 / 133)
    assert report["work_or_studies_exits"] == case.WORK_OR_STUDIES
    assert report["cost"] == pytest.approx(case.TOTAL_COST)
    assert round(report["cost_per_served"]) == case.COST_PER_PARTICIPANT


def test_report_gender_of_participants(duellen: BuiltCase) -> None:
    report = report_json(duellen, "--insats", INSATS, "--from", "2007-10-01", "--to", "2009-07-31")
    assert report["gender"] is not None, "dbt exposes no gender breakdown for any dates"
    assert report["gender"]["enrolled"] == {"K": case.WOMEN, "M": case.MEN}
    assert report["gender"]["served"] == {"K": case.WOMEN, "M": case.MEN}


def test_report_exit_reasons_per_calendar_year_add_up(duellen: BuiltCase) -> None:
    """The three calendar-year reports together give the evaluation's exit categories."""
    total: dict[str, int] = {}
    for year in YEAR_ENDS:
        dates = ("--from", f"{year}-01-01", "--to", f"{year}-12-31")
        report = report_json(duellen, "--insats", INSATS, *dates)
        for reason, exits in report["exits_by_reason"].items():
            total[reason] = total.get(reason, 0) + exits
    assert total == EXITS_COMMON


def test_report_budget_for_2009_to_end_of_july(duellen: BuiltCase) -> None:
    report = report_json(duellen, "--insats", INSATS, "--from", "2009-05-01", "--to", "2009-07-31")
    lines = {line["cost_line"]: line for line in report["budget"]}
    for cost_line, per_year in case.COSTS.items():
        budget = case.BUDGET[2009][cost_line]
        forecast = case.FORECAST_2009[cost_line]
        assert lines[cost_line] == {
            "cost_line": cost_line,
            "budget": budget,
            "actual_to_date": per_year[2009],
            "difference": budget - per_year[2009],
            "full_year_forecast": forecast,
            "forecast_result": budget - forecast,
        }
    assert lines["Totalt"]["actual_to_date"] == 822_567
    assert lines["Totalt"]["budget"] == sum(case.BUDGET[2009].values())


def test_inconsistency_reaches_the_stewards(duellen: BuiltCase) -> None:
    """The flagged figures are quality findings of the latest run, the consistent one is not."""
    rows = duellen.query(
        "select field from quality.quality_findings where \"check\" = 'stated_figure_consistent' "
        "and insats = $1 and run_at = (select max(run_at) from quality.quality_findings)",
        INSATS,
    )
    assert sorted(field for (field,) in rows) == ["cost", "cost_per_participant"]
