"""Targets are judged on the right size's figure, with the margin the report prints."""

from __future__ import annotations

from pipelines.bench.targets import judge, judge_all, limit_of, load_targets

LIMIT_600 = {"metric": "total_seconds", "limit": 600, "participants": 1_000_000}


def test_every_declared_target_names_a_size_metric_and_limit() -> None:
    targets = load_targets()
    assert {target["id"] for target in targets} >= {
        "end_to_end_1m",
        "fixed_overhead_1k",
        "full_run_1k",
        "next_day_1m",
        "floor_ratio_1m",
        "peak_memory_1m",
        "dashboard_1m",
        "follow_up_dbt_100k",
    }
    for target in targets:
        assert target["participants"] > 0 and limit_of(target) > 0 and target["metric"]


def test_a_figure_under_the_limit_is_met_with_headroom() -> None:
    judged = judge(LIMIT_600, {"total_seconds": 450.0})
    assert judged["status"] == "met"
    assert judged["margin"] == -150.0
    assert judged["ratio"] == 0.75


def test_the_limit_itself_is_missed_unless_inclusive() -> None:
    assert judge(LIMIT_600, {"total_seconds": 600.0})["status"] == "missed"
    assert judge(LIMIT_600 | {"inclusive": True}, {"total_seconds": 600.0})["status"] == "met"


def test_a_limit_may_be_a_fraction_no_decimal_states() -> None:
    third = {"metric": "follow_up_added_share", "limit": "1/3", "participants": 100_000}
    assert limit_of(third) == 1 / 3
    assert judge(third, {"follow_up_added_share": 0.3333})["status"] == "met"
    assert judge(third, {"follow_up_added_share": 1 / 3})["status"] == "missed"


def test_a_size_not_run_is_not_measured() -> None:
    statuses = {target["id"]: target["status"] for target in judge_all({1_000: {}})}
    assert statuses["end_to_end_1m"] == "not measured"
    assert statuses["fixed_overhead_1k"] == "not measured"


def test_issue_17_limits_are_the_ones_judged() -> None:
    targets = {target["id"]: target for target in load_targets()}
    cases = {
        "fixed_overhead_1k": ({"fixed_overhead_seconds": 8.5}, "missed"),
        "next_day_1m": ({"next_day_share": 0.2}, "met"),
        "floor_ratio_1m": ({"floor_ratio": 1.6}, "missed"),
        "peak_memory_1m": ({"peak_memory_bytes": 3.2e9}, "missed"),
        "dashboard_1m": ({"dashboard_slowest_median_ms": 150}, "missed"),
        "page_render_1m": ({"page_slowest_median_ms": 999}, "met"),
    }
    for target_id, (summary, status) in cases.items():
        assert judge(targets[target_id], summary)["status"] == status, target_id
