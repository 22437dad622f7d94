"""The goal curve of every demo insats is the cumulative incidence with competing risks:
it equals an independent Aalen-Johansen computation over the episodes to 0.1 percentage
point at every month, and it is below the curve that censors other exits."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.dashboard.conftest import query
from tests.survival_reference import at_day, cumulative_incidence

MONTH_DAYS = 30.4375
TOLERANCE = 0.001


def _episodes(path: Path, insats: str) -> list[tuple[int, str | None]]:
    rows = query(
        path,
        "select days_enrolled, exit_date is not null, is_goal and is_in_goal_share_base "
        "from marts.enrolments where enrolment_date is not null and insats = ?",
        [insats],
    )
    return [(days, None if not ex else "event" if goal else "other") for days, ex, goal in rows]


def _mart_curve(path: Path, insats: str) -> dict[int, float]:
    return dict(
        query(
            path,
            "select day, cumulative_share from marts.time_to_outcome where insats = ? "
            "and dimension = 'total' and outcome = 'mål' order by day",
            [insats],
        )
    )


def test_goal_curves_are_aalen_johansen(demo_warehouse: Path) -> None:
    insatser = [
        insats
        for (insats,) in query(
            demo_warehouse,
            "select distinct insats from marts.time_to_outcome where insats <> 'Alla insatser' "
            "and outcome = 'mål'",
        )
    ]
    assert len(insatser) >= 3
    for insats in insatser:
        episodes = _episodes(demo_warehouse, insats)
        expected = cumulative_incidence(episodes)
        published = _mart_curve(demo_warehouse, insats)
        last_month = math.ceil(max(days for days, _ in episodes) / MONTH_DAYS)
        for month in range(last_month + 1):
            day = month * MONTH_DAYS
            assert at_day(published, day) == pytest.approx(at_day(expected, day), abs=TOLERANCE), (
                insats,
                month,
            )
        censoring_others = cumulative_incidence(
            (days, "event" if kind == "event" else None) for days, kind in episodes
        )
        assert max(expected.values()) < max(censoring_others.values()), insats
