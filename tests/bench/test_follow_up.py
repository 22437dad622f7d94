"""What the follow-up models add to the dbt stage: the builds alternate, pairs are compared
back to back, and dbt's selectors split the project into follow-up and the rest."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from pipelines.bench.compiled import dbt_command, dbt_environment
from pipelines.bench.follow_up import (
    added_share,
    build_order,
    follow_up_nodes,
    node_counts,
    pair_up,
    slowest,
)
from pipelines.bench.report import follow_up_section
from pipelines.defs.dbt.project import DBT_PROJECT_DIR

# Models the selector must find (it finds them from the kind F sources, not from a list).
FOLLOW_UP_MODELS = {
    "stg_raw__income_support_extracts",
    "stg_raw__income_support_months",
    "int_income_support_sources_classified",
    "int_exits_followed_up",
    "int_support_before_enrolment_measured",
    "support_panel",
    "follow_up_status",
    "follow_up_status_by_source",
    "follow_up_returns",
    "follow_up_payments",
    "follow_up_benefit_extent",
    "quality_support_history",
    "quality_income_support_validity",
}


def test_each_pair_runs_in_the_other_order_than_the_one_before() -> None:
    assert build_order(3) == ["with", "without", "without", "with", "with", "without"]


def test_the_added_share_is_the_median_of_back_to_back_pairs() -> None:
    seconds = [("with", 12.0), ("without", 10.0), ("without", 20.0), ("with", 30.0)]
    seconds += [("with", 11.0), ("without", 10.0)]
    builds = [{"variant": variant, "seconds": value} for variant, value in seconds]
    pairs = pair_up(builds)
    assert pairs == [
        {"with": 12.0, "without": 10.0},
        {"without": 20.0, "with": 30.0},
        {"with": 11.0, "without": 10.0},
    ]
    # Pair shares 0.2, 0.5 and 0.1: the slow second pair moves the median no further.
    assert added_share(pairs) == pytest.approx(0.2)


def test_follow_up_nodes_are_those_only_the_full_build_ran_slowest_first() -> None:
    ran = {"model.f.a": 9.0, "model.f.panel": 5.0, "test.f.t1.0a1b": 1.0, "seed.f.s": 0.5}
    builds = [
        {"variant": "with", "node_seconds": ran},
        {"variant": "without", "node_seconds": {"model.f.a": 8.0}},
        {"variant": "with", "node_seconds": ran | {"model.f.panel": 7.0}},
    ]
    nodes = follow_up_nodes(builds)
    assert nodes == {"model.f.panel": 6.0, "seed.f.s": 0.5, "test.f.t1.0a1b": 1.0}
    assert node_counts(nodes) == {"model": 1, "seed": 1, "test": 1}
    assert slowest(nodes, 2) == {"panel": 6.0, "t1": 1.0}


def test_the_report_shows_the_measured_size_and_says_when_none_was() -> None:
    follow_up = {
        "panel_persons": 850,
        "months_per_person": 50.34,
        "extract_rows": 312_000,
        "follow_up_nodes": {"model": 13, "test": 80},
        "repeats": 2,
        "median_seconds": {"with": 40.0, "without": 32.0},
        "pair_shares": [0.25, 0.2],
        "added_share": 0.225,
        "slowest_follow_up_nodes": {"support_panel": 12.5, "follow_up_status": 0.5},
        "load_average": {"at_start": 1.0, "at_end": 2.0},
        "builds": [
            {"variant": "with", "peak_memory_bytes": 3e9},
            {"variant": "without", "peak_memory_bytes": 1e9},
            {"variant": "with", "peak_memory_bytes": 4e9},
        ],
    }
    text = follow_up_section([{"participants": 1000}])
    assert "Not measured" in text
    text = follow_up_section([{"participants": 100_000, "follow_up": follow_up}])
    assert "| 100 000 | 850 | 50.3 | 312 000 | 13 model, 80 test | 2 |" in text
    assert "25.0 % / 20.0 % | 22.5 % | 4.00 GB / 1.00 GB |" in text
    assert "| support_panel 12.5 s, follow_up_status 0.50 s |" in text


def _dbt_ls(target: Path, *selection: str) -> set[str]:
    """Names of the seeds, models and snapshots a selection picks (one parse, reused)."""
    command = dbt_command("ls", "--quiet", "--output", "name", *selection)
    command += ["--resource-type", "model", "seed", "snapshot"]
    done = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env=os.environ | dbt_environment(target / "w.duckdb", target),
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_the_selectors_split_the_project_into_follow_up_and_the_rest(tmp_path: Path) -> None:
    everything = _dbt_ls(tmp_path)
    follow_up = _dbt_ls(tmp_path, "--selector", "follow_up")
    rest = _dbt_ls(tmp_path, "--selector", "without_follow_up")
    assert follow_up >= FOLLOW_UP_MODELS | {"income_support_sources"}
    assert not follow_up & {"enrolments", "outcomes", "period_flows", "quality_run"}
    assert follow_up | rest == everything
    assert not follow_up & rest
