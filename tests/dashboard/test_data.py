"""The data module's pure parts: disclosure control, period arithmetic, freshness."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from dashboards import data
from dashboards.components import csv_download, number_ranges
from dashboards.frame import default_period
from pipelines.disclosure import IMMATURE, MASK, load_rules, perturbed, protect_frame
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


def test_an_amount_per_person_is_hidden_on_fewer_persons_than_the_threshold() -> None:
    """per_person on 1-4 persons is shown as a mean is: MASK where the count is published
    as the threshold (the amount scaled to it, times it, would give the amount back), and
    nothing where it is published as 0, as for nobody."""
    threshold = load_rules().threshold
    for count in range(1, threshold):
        df = pd.DataFrame(
            {
                "cost": [1000.0] * 256,
                "served": [count] * 256,
                "served_cell_key": range(256),
                "cost_per_served": [1000.0 / count] * 256,
            }
        )
        shown = protect_frame(df, protections(seed_catalog(), "cost_per_participant"))
        expected = [MASK if s else None for s in shown["served"]]
        assert shown["cost_per_served"].tolist() == expected
        assert MASK in expected


def test_a_figure_whose_exact_value_is_missing_stays_missing() -> None:
    """The ratio rule recomputes a share from the published counts; where the mart has no
    share (here: no maturity flag beside it), the view shows none either."""
    df = pd.DataFrame(
        {
            "cohort": [40, 40],
            "cohort_cell_key": [9, 9],
            "self_supporting": [6, 6],
            "self_supporting_cell_key": [70, 70],
            "self_supporting_share": [0.15, None],
        }
    )
    shown = protect_frame(df, protections(seed_catalog(), "follow_up_status"))
    assert shown["self_supporting_share"][0] == pytest.approx(perturbed(6, 70) / perturbed(40, 9))
    assert shown["self_supporting_share"][1] is None


def test_an_immature_cohort_shows_no_number_not_even_a_protected_share() -> None:
    """A figure of a cohort not yet mature (its catalogued maturity flag false) is written
    IMMATURE, never a number; where the cohort (its catalogued cohort basis) is published as
    0 it shows nothing, mature or not, since a cohort of a few persons published as 0 must
    look like an empty one (never mature). The flag itself is not shown."""
    df = pd.DataFrame(
        {
            "cohort": [40, 40, 3, 0, 3],
            "cohort_cell_key": [9, 9, 200, 0, 200],
            "covered": [40, 12, 3, 0, 3],
            "covered_cell_key": [9, 100, 0, 0, 200],
            "self_supporting": [16, 6, 1, 0, 1],
            "self_supporting_cell_key": [30, 70, 200, 0, 200],
            "is_mature": [True, False, False, False, True],
            "self_supporting_share": [0.4, None, None, None, 1 / 3],
        }
    )
    assert perturbed(3, 200) == 0, "the cohort of 3 is published as 0"
    shown = protect_frame(df, protections(seed_catalog(), "follow_up_status"))
    assert shown["self_supporting_share"][0] == pytest.approx(perturbed(16, 30) / perturbed(40, 9))
    assert shown["self_supporting_share"].tolist()[1:] == [IMMATURE, None, None, None]
    assert shown["self_supporting"].tolist()[1:] == [IMMATURE, None, None, None]
    assert shown["covered"][1] == perturbed(12, 100), "how far coverage has come is shown"
    assert shown["cohort"].tolist() == [perturbed(40, 9)] * 2 + [0] * 3
    assert "is_mature" not in shown


def test_each_return_band_waits_for_its_own_maturity() -> None:
    df = pd.DataFrame(
        {
            "base": [30],
            "base_cell_key": [11],
            "within_6": [6],
            "within_6_cell_key": [12],
            "months_7_12": [4],
            "months_7_12_cell_key": [13],
            "months_13_24": [2],
            "months_13_24_cell_key": [14],
            "is_mature_6": [True],
            "is_mature_12": [True],
            "is_mature_24": [False],
        }
    )
    shown = protect_frame(df, protections(seed_catalog(), "follow_up_returns")).iloc[0]
    assert (shown["within_6"], shown["months_7_12"]) == (perturbed(6, 12), perturbed(4, 13))
    assert shown["months_13_24"] == IMMATURE
    assert shown["base"] == perturbed(30, 11)
    assert not {"is_mature_6", "is_mature_12", "is_mature_24"} & set(shown.index)


def test_the_follow_up_row_follows_one_filter_at_a_time() -> None:
    assert data.follow_up_selector(data.Filters()) == ("all", data.ALL_GROUPS)
    assert data.follow_up_selector(data.Filters(unit="Osby")) == ("unit", "Osby")
    both = data.Filters(unit="Osby", gender="K", age_band="25-34")
    assert data.follow_up_selector(both) == ("gender", "K")


def test_number_ranges_are_written_as_people_write_them() -> None:
    assert number_ranges([9, 1, 2, 3, 6, 10, 11, 24]) == "1–3, 6, 9–11, 24"
    assert number_ranges([6, 12, 24]) == "6, 12, 24"
    assert number_ranges([]) == ""


def test_kronor_per_participant_are_hidden_for_few_participants() -> None:
    """A mean on fewer persons than the threshold is not shown: per participant like the
    sum (times the published participants it would give the sum back)."""
    df = pd.DataFrame(
        {
            "participants": [3, 40],
            "participants_cell_key": [10, 77],
            "is_mature": [True, True],
            **{
                f"{measure}_{kind}": [1200.0, 40000.0]
                for measure in data.PAYMENT_MEASURES
                for kind in ("per_participant", "total")
            },
        }
    )
    assert perturbed(3, 10) != 0, "published as the threshold, so the kronor are not emptied"
    shown = protect_frame(df, protections(seed_catalog(), "follow_up_payments"))
    assert shown.loc[0, list(data.PAYMENT_KRONOR)].tolist() == [MASK] * 6
    assert shown["after_per_participant"][1] == pytest.approx(40000.0 * 40 / perturbed(40, 77))


def _key_figures() -> None:
    from dashboards.components import metric

    metric("Oförändrat", 5, 5, "count")
    metric("Fler", 7, 5, "count")
    metric("Kortare kö", 3, 5, "count", lower_is_better=True)


def test_no_change_is_grey_without_an_arrow_and_a_change_keeps_its_colour() -> None:
    shown = {m.label: m.proto for m in AppTest.from_function(_key_figures).run().metric}
    unchanged, more, shorter = shown["Oförändrat"], shown["Fler"], shown["Kortare kö"]
    assert (unchanged.delta, unchanged.color, unchanged.direction) == (
        "±0",
        MetricProto.MetricColor.GRAY,
        MetricProto.MetricDirection.NONE,
    )
    assert (more.delta, more.color, more.direction) == (
        "+2",
        MetricProto.MetricColor.GREEN,
        MetricProto.MetricDirection.UP,
    )
    assert (shorter.color, shorter.direction) == (
        MetricProto.MetricColor.GREEN,
        MetricProto.MetricDirection.DOWN,
    )


def test_the_outcome_row_answers_every_filter_or_only_the_place() -> None:
    """One person group of a unit, or a municipality; never a mix of a group and a place
    the group row does not describe."""
    assert data.outcome_selector(data.Filters(gender="K")) == ("gender", "K")
    assert data.outcome_selector(data.Filters(gender="K", age_band="25-34")) == ("total", None)
    in_osby = data.Filters(municipality="Osby", gender="K")
    assert data.outcome_selector(in_osby) == ("municipality_name", "Osby")
    unit_in_osby = data.Filters(municipality="Osby", unit="Osby", gender="K")
    assert data.outcome_selector(unit_in_osby) == ("gender", "K")
