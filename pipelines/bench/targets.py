"""The issue's targets, declared in `targets.yml`, judged against the measured summaries."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import yaml

TARGETS_FILE = Path(__file__).with_name("targets.yml")


def load_targets(path: Path = TARGETS_FILE) -> list[dict[str, object]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def limit_of(target: Mapping[str, object]) -> float:
    """The declared limit: a number, or a fraction such as `1/3` that no decimal states."""
    return float(Fraction(str(target["limit"])))


def judge(target: Mapping[str, object], summary: Mapping[str, object] | None) -> dict[str, object]:
    """The target with its measured value, `met`/`missed`/`not measured` and the margin.

    The margin is value minus limit (negative is headroom), and `ratio` is value / limit.
    """
    value = None if summary is None else summary.get(str(target["metric"]))
    if value is None:
        return {**target, "value": None, "status": "not measured", "margin": None, "ratio": None}
    limit = limit_of(target)
    met = value <= limit if target.get("inclusive") else value < limit
    return {
        **target,
        "value": value,
        "status": "met" if met else "missed",
        "margin": value - limit,
        "ratio": value / limit,
    }


def judge_all(summaries: Mapping[int, Mapping[str, object]]) -> list[dict[str, object]]:
    """Every declared target against the summary of its size (absent if not measured)."""
    return [judge(target, summaries.get(int(target["participants"]))) for target in load_targets()]
