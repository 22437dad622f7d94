"""The data module's pure parts: disclosure control, period arithmetic, freshness."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboards import data
from dashboards.components import csv_download
from dashboards.frame import default_period
from pipelines.disclosure import MASK, load_rules, perturbed, protect_frame
from pipelines.figure_catalog import protections, seed_catalog
from tests.spreadsheet_payloads import PAYLOADS, inert, read_csv


def test_small_counts_are_published_as_zero_or_the_threshold_and_zero_stays() -> None:
    """Every cell key of a small count: never its true value, the threshold as often as
    the count's share of it (so the published value is unbiased); zero is zero."""
    threshold = load_rules().threshold
    for count in range(1, threshold):
        df = pd.DataFrame({"persons": [count] * 256, "persons_cell_key": range(256)})
        shown = protect_frame(df, protections(seed_catalog(), "income_transitions"))
        assert set(shown["persons"]) == {0, threshold}
        assert (shown["persons"] == threshold).sum() / 256 == pytest.approx(
            count / threshold, abs=0.01
        )
        assert "persons_cell_key" not in shown
    zero = pd.DataFrame({"persons": [0], "persons_cell_key": [0]})
    assert protect_frame(zero, protections(seed_catalog(), "income_transitions"))["persons"][0] == 0


def test_larger_counts_get_small_noise_and_never_fall_under_the_threshold() -> None:
    published = [perturbed(count, key) for count in range(5, 60) for key in range(256)]
    exact = [count for count in range(5, 60) for _ in range(256)]
    assert {p - e for p, e in zip(published, exact, strict=True)} <= {-2, -1, 0, 1, 2}
    assert min(published) >= load_rules().threshold


def test_a_count_without_its_cell_key_is_never_shown() -> None:
    with pytest.raises(ValueError, match="cell key"):
        protect_frame(
            pd.DataFrame({"persons": [7]}), protections(seed_catalog(), "income_transitions")
        )


def test_a_share_is_computed_on_the_perturbed_counts_of_its_own_base() -> None:
    """The goal share rests on goal exits and its own base (the catalogue's basis)."""
    df = pd.DataFrame(
        {
            "goal_exits": [3, 10, 0, 12],
            "goal_exits_cell_key": [10, 200, 0, 77],
            "goal_share_base": [40, 4, 0, 30],
            "goal_share_base_cell_key": [5, 90, 0, 31],
            "goal_share": [0.075, 2.5, None, 0.4],
        }
    )
    shown = protect_frame(df, protections(seed_catalog(), "outcomes"))
    for row in range(4):
        goal = perturbed(df["goal_exits"][row], df["goal_exits_cell_key"][row])
        base = perturbed(df["goal_share_base"][row], df["goal_share_base_cell_key"][row])
        expected = goal / base if base else None
        assert shown["goal_share"][row] == expected or (
            expected is None and pd.isna(shown["goal_share"][row])
        )


def test_numeric_drops_masked_cells_for_charts() -> None:
    series = pd.Series([12, MASK, 7], dtype=object)
    assert data.numeric(series).isna().tolist() == [False, True, False]


def _periods(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period_label", "period_start", "period_end"]).assign(
        period_start=lambda d: pd.to_datetime(d["period_start"]),
        period_end=lambda d: pd.to_datetime(d["period_end"]),
    )


def test_previous_rolling_window_is_the_non_overlapping_one() -> None:
    rows = _periods(
        [
            ("R12 2024-05", "2023-06-01", "2024-05-31"),
            ("R12 2024-06", "2023-07-01", "2024-06-30"),
            ("R12 2025-05", "2024-06-01", "2025-05-31"),
            ("R12 2025-06", "2024-07-01", "2025-06-30"),
        ]
    )
    assert data.previous_label(rows, "R12 2025-06") == "R12 2024-06"
    assert data.previous_label(rows, "R12 2024-05") is None


def test_previous_tertial_is_the_adjacent_one() -> None:
    rows = _periods(
        [
            ("2024 T3", "2024-09-01", "2024-12-31"),
            ("2025 T1", "2025-01-01", "2025-04-30"),
        ]
    )
    assert data.previous_label(rows, "2025 T1") == "2024 T3"


def test_default_period_is_the_latest_that_has_ended() -> None:
    rows = _periods(
        [
            ("2025 T2", "2025-05-01", "2025-08-31"),
            ("2025 T3", "2025-09-01", "2025-12-31"),
        ]
    )
    assert default_period(rows, cutoff=dt.date(2025, 10, 1)) == "2025 T2"
    assert default_period(rows, cutoff=dt.date(2026, 1, 1)) == "2025 T3"


def test_publication_older_than_a_day_is_stale() -> None:
    now = dt.datetime(2026, 1, 2, 12, tzinfo=dt.UTC)
    assert data.is_stale(dt.datetime(2026, 1, 1, 11, tzinfo=dt.UTC), now)
    assert not data.is_stale(dt.datetime(2026, 1, 2, 2, tzinfo=dt.UTC), now)


def test_csv_download_neutralises_formulas_and_keeps_numbers() -> None:
    df = pd.DataFrame(
        {
            "unit": PAYLOADS,
            "exits": [MASK if n % 2 else n for n in range(len(PAYLOADS))],
            "difference": [-n - 0.5 for n in range(len(PAYLOADS))],
        }
    )
    header, *rows = read_csv(csv_download(df), ",")
    assert {len(row) for row in rows} == {len(header)}, "a carriage return split a row"
    assert [row[0] for row in rows] == [inert(payload) for payload in PAYLOADS]
    assert [row[1] for row in rows][:3] == ["0", MASK, "2"]
    assert [float(row[2]) for row in rows] == df["difference"].tolist()


def test_a_count_is_protected_in_every_mart_that_shows_it() -> None:
    """Served and goal exits beside a cost keep their own protection from the catalogue,
    and the costs per person are per perturbed person."""
    df = pd.DataFrame(
        {
            "cost": [1000.0, 1000.0],
            "served": [3, 40],
            "served_cell_key": [250, 3],
            "goal_exits": [10, 2],
            "goal_exits_cell_key": [128, 250],
            "cost_per_served": [1000 / 3, 25.0],
            "cost_per_goal": [100.0, 500.0],
        }
    )
    shown = protect_frame(df, protections(seed_catalog(), "cost_per_participant"))
    served = [perturbed(3, 250), perturbed(40, 3)]
    goal_exits = [perturbed(10, 128), perturbed(2, 250)]
    assert shown["served"].tolist() == served
    assert shown["goal_exits"].tolist() == goal_exits
    expected = [1000.0 / s if s else None for s in served]
    assert [v if v is None or not pd.isna(v) else None for v in shown["cost_per_served"]] == [
        pytest.approx(e) if e else None for e in expected
    ]
    assert shown["cost"].tolist() == [1000.0, 1000.0]
