"""The data module's pure parts: masking, period arithmetic, freshness."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards import data
from dashboards.components import csv_download
from dashboards.frame import default_period
from pipelines.disclosure import protect_frame
from pipelines.figure_catalog import disclosure_bases, seed_catalog
from tests.spreadsheet_payloads import PAYLOADS, inert, read_csv


def test_counts_of_one_to_four_are_masked_and_zero_is_not() -> None:
    df = pd.DataFrame({"persons": [0, 1, 4, 5, 120]})
    masked = protect_frame(df, disclosure_bases(seed_catalog(), "income_transitions"))
    assert masked["persons"].tolist() == [0, "<5", "<5", 5, 120]


def test_a_share_resting_on_a_small_count_is_masked() -> None:
    """The goal share rests on goal exits and its own base (the catalogue's basis): a
    small base masks it even when the exits excluding dropouts are many."""
    df = pd.DataFrame(
        {
            "goal_exits": [3, 10, 0, 12],
            "goal_share_base": [40, 4, 0, 30],
            "exits_excluding_dropouts": [40, 40, 0, 3],
            "goal_share": [0.075, 2.5, None, 0.4],
        }
    )
    masked = protect_frame(df, disclosure_bases(seed_catalog(), "outcomes"))
    assert masked["goal_share"].tolist()[:2] == ["<5", "<5"]
    assert masked["goal_share"].tolist()[3] == 0.4
    assert masked["goal_exits"].tolist() == ["<5", 10, 0, 12]


def test_numeric_drops_masked_cells_for_charts() -> None:
    series = pd.Series([12, "<5", 7], dtype=object)
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
            "exits": ["<5" if n % 2 else n for n in range(len(PAYLOADS))],
            "difference": [-n - 0.5 for n in range(len(PAYLOADS))],
        }
    )
    header, *rows = read_csv(csv_download(df), ",")
    assert {len(row) for row in rows} == {len(header)}, "a carriage return split a row"
    assert [row[0] for row in rows] == [inert(payload) for payload in PAYLOADS]
    assert [row[1] for row in rows][:3] == ["0", "<5", "2"]
    assert [float(row[2]) for row in rows] == df["difference"].tolist()


def test_a_count_is_protected_in_every_mart_that_shows_it() -> None:
    """Served and goal exits beside a cost keep their own basis from the catalogue, and the
    costs per person resting on them are masked with them."""
    df = pd.DataFrame(
        {
            "cost": [1000.0, 1000.0],
            "served": [3, 40],
            "goal_exits": [10, 2],
            "cost_per_served": [333.3, 25.0],
            "cost_per_goal": [100.0, 500.0],
        }
    )
    masked = protect_frame(df, disclosure_bases(seed_catalog(), "cost_per_participant"))
    assert masked["served"].tolist() == ["<5", 40]
    assert masked["goal_exits"].tolist() == [10, "<5"]
    assert masked["cost_per_served"].tolist() == ["<5", 25.0]
    assert masked["cost_per_goal"].tolist() == [100.0, "<5"]
    assert masked["cost"].tolist() == [1000.0, 1000.0]
