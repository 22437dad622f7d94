"""Time to outcome computed the textbook way, in plain Python, from the episodes: the
independent check of marts.time_to_outcome (nothing here is shared with the model)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def cumulative_incidence(episodes: Iterable[tuple[int, str | None]]) -> dict[int, float]:
    """Aalen-Johansen by day from (days observed, event) pairs, event None when censored
    and "event" or "other" for an exit: the share with the event at each exit day.

    With only "event" exits this is 1 - Kaplan-Meier.
    """
    episodes = list(episodes)
    exits = Counter(days for days, kind in episodes if kind is not None)
    events = Counter(days for days, kind in episodes if kind == "event")
    leaving = Counter(days for days, _ in episodes)
    at_risk, survival, incidence, curve = len(episodes), 1.0, 0.0, {}
    for day in sorted(leaving):
        if exits[day]:
            incidence += survival * events[day] / at_risk
            survival *= 1 - exits[day] / at_risk
            curve[day] = incidence
        at_risk -= leaving[day]
    return curve


def at_day(curve: dict[int, float], day: float) -> float:
    """The step function's value on a day: the last step on or before it."""
    steps = [value for step, value in curve.items() if step <= day]
    return steps[-1] if steps else 0.0
