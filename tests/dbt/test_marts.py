"""Figures read back from the marts of a real `dbt build` over the edge-case raw layer.

Expected values are worked out by hand from fixtures/edge_cases.sql (extraction 2024-12-31):
Team A has nine enrolled episodes in 2024, seven exits (two dropouts: p01 within the 60
trial days although to Arbete, p04 Avbrott), p06 at two overlapping units, two protected
identities, p07 and one protected still active, p08 in the queue.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.survival_reference import cumulative_incidence

Query = Callable[..., list[tuple]]
MONTH = 30.4375


def test_felregistrering_superseded_and_impossible_rows_are_left_out(query: Query) -> None:
    persons = {row[0] for row in query("select person_key from marts.enrolments")}
    assert {"p05", "p11", "p12"}.isdisjoint(persons)
    assert len(query("select 1 from marts.enrolments where insats = 'Team A'")) == 10


def test_overlapping_units_are_one_episode_and_protected_identities_never_merge(
    query: Query,
) -> None:
    [(unit, enrolled, exited, reason, case_ids)] = query(
        "select unit, enrolment_date::varchar, exit_date::varchar, exit_reason, case_ids "
        "from marts.enrolments where person_key = 'p06'"
    )
    assert (unit, enrolled, exited, reason) == (
        "Flera enheter",
        "2024-02-01",
        "2024-10-01",
        "Studier",
    )
    assert sorted(case_ids) == ["A6", "A7"]
    protected = query("select person_key from marts.enrolments where is_protected_identity")
    assert len({key for (key,) in protected}) == 2
    # p02 delivered by the case system and by a team register is one episode.
    [(case_ids,)] = query("select case_ids from marts.enrolments where person_key = 'p02'")
    assert sorted(case_ids) == ["A2", "R1"]


def test_period_flows_keep_the_flow_identity_everywhere(query: Query) -> None:
    broken = query(
        "select * from marts.period_flows "
        "where active_at_start + enrolled - exited <> active_at_end"
    )
    assert broken == []
    assert query("select count(*) from marts.period_flows")[0][0] > 100


@pytest.mark.parametrize(
    ("insats", "unit", "expected"),
    [
        # active_at_start, enrolled, exited, dropouts, active_at_end, served, queue_at_end
        ("Team A", "Alla enheter", (0, 9, 7, 2, 2, 9, 1)),
        ("Team A", "Hässleholm", (0, 6, 5, 2, 1, 6, 0)),
        ("Team A", "Flera enheter", (0, 1, 1, 0, 0, 1, 0)),
        ("Alla insatser", "Alla enheter", (0, 12, 10, 3, 2, 12, 1)),
    ],
)
def test_period_flows_for_2024(query: Query, insats: str, unit: str, expected: tuple) -> None:
    [row] = query(
        "select active_at_start, enrolled, exited, dropouts, active_at_end, served, "
        "queue_at_end from marts.period_flows where insats = ? and unit = ? "
        "and period_type = 'calendar_year' and period_label = '2024'",
        [insats, unit],
    )
    assert row == expected


def test_average_enrolled_is_participant_days_over_days(query: Query) -> None:
    # 30+182+121+184+243+183+90 days of exited episodes + 275 and 184 days of active ones.
    [(average,)] = query(
        "select average_enrolled from marts.period_flows where insats = 'Team A' "
        "and unit = 'Alla enheter' and period_type = 'calendar_year' and period_label = '2024'"
    )
    assert average == pytest.approx(1492 / 366, abs=0.005)


def test_active_at_start_of_a_later_tertial(query: Query) -> None:
    [row] = query(
        "select active_at_start, enrolled, exited, active_at_end from marts.period_flows "
        "where insats = 'Team A' and unit = 'Alla enheter' and period_label = '2024 T2'"
    )
    # Active on 1 May: p02, p03, p04, p06, p07; enrolled May-Aug: two protected; exited
    # May-Aug: p03 and p02.
    assert row == (5, 2, 2, 5)


def test_goal_share_excludes_dropouts_by_the_insats_definition(query: Query) -> None:
    rows = query(
        "select insats, exits, dropouts, exits_excluding_dropouts, goal_exits, goal_share, "
        "work_or_studies_share, goal_definition from marts.outcomes "
        "where unit = 'Alla enheter' and dimension = 'total' and period_label = '2024'"
    )
    by_insats = {row[0]: row[1:] for row in rows}
    exits, dropouts, excluded, goals, goal_share, work_share, definition = by_insats["Team A"]
    assert (exits, dropouts, excluded, goals) == (7, 2, 5, 3)
    assert goal_share == pytest.approx(3 / 5)
    assert work_share == pytest.approx(3 / 7)
    assert "arbetslivsinriktad rehabilitering" in definition
    # Team B keeps dropouts in the denominator and has no trial period.
    assert by_insats["Team B"][:4] == (3, 1, 2, 2)
    assert by_insats["Team B"][4] == pytest.approx(2 / 3)


def test_goal_share_is_stated_with_and_without_dropouts(query: Query) -> None:
    """Whatever the insats' own base, both shares are there: Team B counts its dropouts,
    and its share without them drops the dropout from both counts."""
    rows = query(
        "select insats, goal_share, goal_exits_including_dropouts, "
        "goal_share_including_dropouts, goal_exits_excluding_dropouts, "
        "goal_share_excluding_dropouts, exits, exits_excluding_dropouts from marts.outcomes "
        "where unit = 'Alla enheter' and dimension = 'total' and period_label = '2024'"
    )
    by_insats = {row[0]: row[1:] for row in rows}
    own, goals_all, share_all, goals_kept, share_kept, exits, kept = by_insats["Team B"]
    assert own == pytest.approx(share_all)
    assert share_all == pytest.approx(goals_all / exits)
    assert share_kept == pytest.approx(goals_kept / kept)
    team_a = by_insats["Team A"]
    assert team_a[0] == pytest.approx(team_a[4])  # Team A excludes dropouts itself


def test_outcomes_by_cohort_over_three_months(query: Query) -> None:
    [(exits, goal_share)] = query(
        "select exits, goal_share from marts.outcomes where insats = 'Team A' "
        "and unit = 'Alla enheter' and period_label = '2024' and dimension = 'over_3_months'"
    )
    assert exits == 5
    assert goal_share == pytest.approx(3 / 4)


def test_throughput_times_exclude_dropouts(query: Query) -> None:
    rows = query(
        "select insats, throughput_exits, mean_months, median_months from marts.throughput_times "
        "where unit = 'Alla enheter' and period_type = 'calendar_year' "
        "and period_label = '2024'"
    )
    by_insats = {row[0]: row[1:] for row in rows}
    assert by_insats["Team A"][0] == 5
    assert by_insats["Team A"][1] == pytest.approx(819 / 5 / MONTH)
    assert by_insats["Team A"][2] == pytest.approx(182 / MONTH)
    # Even count: the mean of the two middle values (10 and 30 days).
    assert by_insats["Team B"][2] == pytest.approx(20 / MONTH)


def test_throughput_windows_roll_every_month(query: Query) -> None:
    [(exits,)] = query(
        "select throughput_exits from marts.throughput_times where insats = 'Team A' "
        "and unit = 'Alla enheter' and period_type = 'rolling_12m' "
        "and period_end = date '2024-06-30'"
    )
    assert exits == 2  # p09 (April) and p03 (June); p01 is a dropout


def test_a_short_period_reads_the_twelve_months_ending_with_it(query: Query) -> None:
    """Genomströmningstid of a month or tertial is that of the rolling 12 months ending
    with it (domain.md), under the period's own label: one definition everywhere."""
    rows = query(
        "select period_type, window_start::varchar, window_end::varchar, throughput_exits, "
        "mean_months from marts.throughput_times where insats = 'Team A' "
        "and unit = 'Alla enheter' and period_end = date '2024-08-31' "
        "and period_type in ('month', 'tertial', 'rolling_12m') order by period_type"
    )
    assert {row[1:3] for row in rows} == {("2023-09-01", "2024-08-31")}
    assert len({row[3:] for row in rows}) == 1


def test_time_to_exit_and_goal_equal_a_textbook_computation(query: Query) -> None:
    """Kaplan-Meier for any exit and Aalen-Johansen for the goal, by day, equal the plain
    computation over the episodes (active censored at their delivery, others competing)."""
    episodes = query(
        "select days_enrolled, exit_date is not null, is_goal and is_in_goal_share_base "
        "from marts.enrolments where insats = 'Team A' and enrolment_date is not null"
    )
    any_exit = cumulative_incidence((days, "event" if ex else None) for days, ex, _ in episodes)
    goal = cumulative_incidence(
        (days, None if not ex else "event" if is_goal else "other")
        for days, ex, is_goal in episodes
    )
    for outcome, expected in (("avslut", any_exit), ("mål", goal)):
        rows = dict(
            query(
                "select day, cumulative_share from marts.time_to_outcome where insats = "
                f"'Team A' and dimension = 'total' and outcome = '{outcome}' and events "
                "+ competing > 0"
            )
        )
        assert rows.keys() == expected.keys(), outcome
        for day, share in expected.items():
            assert rows[day] == pytest.approx(share, abs=1e-6), (outcome, day)
    assert max(goal.values()) < max(any_exit.values())


def test_budget_against_latest_forecast(query: Query) -> None:
    rows = query(
        "select as_of_date::varchar, actual_to_date, difference, full_year_forecast, "
        "forecast_date::varchar, forecast_result from marts.budget_vs_forecast "
        "where insats = 'Team A' and cost_line = 'Personal' order by as_of_date"
    )
    by_date = {row[0]: row[1:] for row in rows}
    assert len(rows) == 12
    assert by_date["2024-02-29"][2] is None  # the December 2023 forecast is last year's
    assert by_date["2024-03-31"] == (100000, 200000, 280000, "2024-03-15", 20000)
    assert by_date["2024-06-30"][2:] == (310000, "2024-06-15", -10000)


def test_cost_per_participant_leaves_out_income(query: Query) -> None:
    [(cost, served, per_served, per_goal)] = query(
        "select cost, served, cost_per_served, cost_per_goal from marts.cost_per_participant "
        "where insats = 'Team A' and period_label = '2024'"
    )
    assert (cost, served) == (130000, 9)
    assert per_served == pytest.approx(130000 / 9, abs=0.01)
    assert per_goal == pytest.approx(130000 / 3, abs=0.01)


def test_stated_figures_are_checked(query: Query) -> None:
    rows = query(
        "select stated_value, computed_value, is_consistent from marts.stated_figure_checks "
        "order by figure, stated_value"
    )
    assert [row[2] for row in rows] == [True, False, True]
    assert rows[0][1] == pytest.approx(130000 / 9, abs=0.01)


def test_funding_by_party_splits_the_budget(query: Query) -> None:
    rows = dict(
        query("select party, budget_amount from marts.funding_by_party where insats = 'Team A'")
    )
    assert rows == {"Försäkringskassan": 200000, "Region": 100000, "Hässleholm": 100000}
    shares = dict(
        query(
            "select party, share_percent from marts.funding_by_party where insats = 'Alla insatser'"
        )
    )
    assert shares == {"Försäkringskassan": 50, "Region": 25, "Hässleholm": 25}


def test_esf_person_in_two_units_is_flera_enheter(query: Query) -> None:
    rows = dict(query("select person_key, unit from marts.esf_participants"))
    assert rows == {"p02": "Hässleholm", "p06": "Flera enheter", "p20": "Kristianstad"}


def test_scb_reconciliation_both_ways(query: Query) -> None:
    rows = query(
        "select esf_project, status, count(*) from marts.scb_reconciliation "
        "group by all order by all"
    )
    assert rows == [
        ("2012-3010123", "both", 2),
        ("2012-3010123", "only_case_system", 3),
        ("2012-3010124", "both", 1),
        ("2012-3010124", "only_case_system", 2),
        ("2012-3010124", "only_scb", 1),
    ]


def test_reach_per_thousand_aged_16_64(query: Query) -> None:
    [(participants, population, per_1000)] = query(
        "select participants, population_16_64, per_1000 from marts.reach "
        "where municipality_code = '1293' and year = 2024 and insats = 'Alla insatser'"
    )
    assert (participants, population) == (6, 3000)
    assert per_1000 == pytest.approx(6000 / 3000, abs=0.005)
    # p06, enrolled at units in two municipalities, counts once, under Flera kommuner: the
    # rule municipality_flows and the outcomes' municipality breakdown use too.
    [(several,)] = query(
        "select participants from marts.reach where municipality_name = 'Flera kommuner' "
        "and year = 2024 and insats = 'Alla insatser'"
    )
    assert several == 1


def test_timeline_has_a_referral_per_delivered_row(query: Query) -> None:
    rows = query(
        "select event_type, count(*) from marts.participant_timeline "
        "where person_key = 'p02' group by all order by all"
    )
    assert rows == [("avslut", 1), ("inskrivning", 1), ("remiss", 2)]


def test_report_macros_match_the_marts(query: Query) -> None:
    [summary] = query(
        "select enrolled, exited, active_at_end, goal_share, median_months, cost_per_served "
        "from marts.period_summary('Team A', 'Alla enheter', date '2024-01-01', "
        "date '2024-12-31')"
    )
    assert summary[:3] == (9, 7, 2)
    assert summary[3] == pytest.approx(3 / 5)
    assert summary[4] == pytest.approx(182 / MONTH)
    assert summary[5] == pytest.approx(130000 / 9, abs=0.01)
    # Any dates, not only whole months: 15 Jan to 15 Feb 2024.
    [(start, enrolled, exited)] = query(
        "select active_at_start, enrolled, exited from marts.period_summary("
        "'Team A', 'Hässleholm', date '2024-01-15', date '2024-02-15')"
    )
    assert (start, enrolled, exited) == (1, 2, 1)
    status = query(
        "select cost_line, actual_to_date, forecast_result "
        "from marts.budget_status('Team A', date '2024-03-31') order by cost_line"
    )
    assert status[1] == ("Personal", 100000, 20000)


def test_scb_reconciliation_persons_once_per_insats_with_their_units(query: Query) -> None:
    """p06 is in both projects: one person, both sources, listed at both units."""
    rows = query(
        "select person_key, status, units from marts.scb_reconciliation_persons "
        "where insats = 'Team A' order by person_key"
    )
    assert rows == [
        ("p01", "only_case_system", ["Hässleholm"]),
        ("p02", "both", ["Hässleholm"]),
        ("p03", "only_case_system", ["Hässleholm"]),
        ("p04", "only_case_system", ["Hässleholm"]),
        ("p06", "both", ["Hässleholm", "Kristianstad"]),
        ("p07", "only_case_system", ["Kristianstad"]),
        ("p09", "only_case_system", ["Kristianstad"]),
        ("p20", "only_scb", ["Kristianstad"]),
    ]


def test_occupation_at_enrolment_from_scb_status_start(query: Query) -> None:
    rows = query(
        "select insats, person_key, occupation_at_enrolment from marts.enrolments "
        "where person_key in ('p01', 'p02', 'p06') order by insats, person_key"
    )
    assert rows == [
        ("Team A", "p01", "Okänd"),  # in no ESF report
        ("Team A", "p02", "Arbete osubventionerat"),  # Status_start 1
        ("Team A", "p06", "Studier"),  # the report row starting at the enrolment: 4
        ("Team B", "p01", "Okänd"),
    ]
    [(missing,)] = query(
        "select count(*) from marts.enrolments where occupation_at_enrolment is null"
    )
    assert missing == 0


def test_unconfigured_insats_is_classified_by_the_defaults(query: Query) -> None:
    rows = query(
        "select person_key, is_goal, is_dropout, goal_definition from marts.enrolments "
        "where insats = 'Team C' order by person_key"
    )
    assert [row[:3] for row in rows] == [("p30", True, False), ("p31", False, True)]
    assert all(
        row[3].startswith("Insatsen saknas i konfigurationen, standardvärdena gäller")
        for row in rows
    )
    [(goal_share, definition)] = query(
        "select goal_share, goal_definition from marts.period_summary("
        "'Team C', 'Alla enheter', date '2023-01-01', date '2023-12-31')"
    )
    assert goal_share == 1.0  # Arbete of the exits excluding the Avbrott dropout
    assert "Arbete eller Studier" in definition


def test_unconfigured_insats_gets_completeness_findings(query: Query) -> None:
    """The defaults' mandatory field (education_level) is required of Team C's enrolments."""
    rows = query(
        "select expectation, case_id, is_passing from quality.quality_completeness order by case_id"
    )
    assert {expectation for expectation, *_ in rows} == {"completeness:education_level:Team C"}
    assert [case_id for _, case_id, passing in rows if not passing] == ["C1", "C2"]


@pytest.mark.parametrize(
    ("unit", "date_from", "date_to"),
    [
        ("Alla enheter", "2024-01-01", "2024-12-31"),
        ("Hässleholm", "2024-01-15", "2024-02-15"),
        ("Kristianstad", "2024-05-02", "2024-09-30"),
    ],
)
def test_period_summary_by_gender_balances_and_adds_up(
    query: Query, unit: str, date_from: str, date_to: str
) -> None:
    args = [unit, date_from, date_to]
    rows = query(
        "select gender, active_at_start, enrolled, exited, active_at_end, served "
        "from marts.period_summary_by_gender('Team A', ?, ?::date, ?::date)",
        args,
    )
    assert rows, "every chosen period has participants"
    for _, start, enrolled, exited, end, served in rows:
        assert (start + enrolled - exited, start + enrolled) == (end, served)
    [total] = query(
        "select active_at_start, enrolled, exited, active_at_end, served "
        "from marts.period_summary('Team A', ?, ?::date, ?::date)",
        args,
    )
    assert tuple(sum(row[i] for row in rows) for i in range(1, 6)) == total


@pytest.mark.parametrize(
    ("unit", "date_from", "date_to"),
    [
        ("Alla enheter", "2024-01-01", "2024-12-31"),
        ("Kristianstad", "2024-05-02", "2024-09-30"),
    ],
)
def test_period_flows_by_breakdown_balance_and_add_up_per_dimension(
    query: Query, unit: str, date_from: str, date_to: str
) -> None:
    """Every dimension splits period_summary's flows without losing anyone (a missing value
    named as in marts.outcomes), and kön says what period_summary_by_gender says."""
    args = [unit, date_from, date_to]
    rows = query(
        "select dimension, dimension_value, active_at_start, enrolled, exited, active_at_end, "
        "served from marts.period_flows_by_breakdown('Team A', ?, ?::date, ?::date)",
        args,
    )
    [total] = query(
        "select active_at_start, enrolled, exited, active_at_end, served "
        "from marts.period_summary('Team A', ?, ?::date, ?::date)",
        args,
    )
    dimensions = {row[0] for row in rows}
    assert dimensions == {"gender", "age_band", "referrer", "income_source_at_enrolment"}
    for dimension in dimensions:
        parts = [row for row in rows if row[0] == dimension]
        assert all(row[1] is not None for row in parts)
        assert tuple(sum(row[i] for row in parts) for i in range(2, 7)) == total, dimension
    gender = query(
        "select coalesce(gender, 'Okänt'), active_at_start, enrolled, exited, active_at_end, "
        "served from marts.period_summary_by_gender('Team A', ?, ?::date, ?::date)",
        args,
    )
    assert sorted(row[1:] for row in rows if row[0] == "gender") == sorted(gender)


def test_period_summary_by_gender_for_2024(query: Query) -> None:
    rows = query(
        "select gender, enrolled, active_at_end, served from marts.period_summary_by_gender("
        "'Team A', 'Alla enheter', date '2024-01-01', date '2024-12-31')"
    )
    # Women: p02, p03, p06 and the two protected identities (one still active); men: p01,
    # p04, p07 (active) and p09.
    assert rows == [("K", 5, 1, 5), ("M", 4, 1, 4)]


def test_period_exits_by_reason_for_any_dates(query: Query) -> None:
    whole_year = query(
        "select exit_reason, exits from marts.period_exits_by_reason("
        "'Team A', 'Alla enheter', date '2024-01-01', date '2024-12-31')"
    )
    mart = query(
        "select exit_reason, exits from marts.exits_by_reason where insats = 'Team A' "
        "and unit = 'Alla enheter' and period_type = 'calendar_year' and period_label = '2024'"
    )
    assert dict(whole_year) == dict(mart)
    assert sum(exits for _, exits in whole_year) == 7
    part = query(
        "select exit_reason, exits from marts.period_exits_by_reason("
        "'Team A', 'Alla enheter', date '2024-02-09', date '2024-06-01')"
    )
    assert part == [
        ("Annan arbetslivsinriktad rehabilitering", 1),
        ("Arbete", 1),
        ("Medicinsk rehabilitering", 1),
    ]
