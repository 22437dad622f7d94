"""`python -m pipelines.bench` end to end at 300 participants: the reports' structure.

No figure is asserted against a limit: timings belong in BENCHMARKS.md, not in tests. The
incremental case is left out (it would run the pipeline a second time); its delivery is
tested in test_delivery.py. The dbt build with and without the follow-up models runs once each.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipelines.bench.page_render import router_pages

pytestmark = pytest.mark.slow

SIZE = 300
STAGES = {"ingest", "dbt", "quality", "publish"}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    """One benchmark run (pipeline, floor, dashboard) into a temporary folder."""
    root = tmp_path_factory.mktemp("bench")
    command = [sys.executable, "-m", "pipelines.bench", "--sizes", str(SIZE), "--repeats", "1"]
    command += ["--incremental-sizes", "0", "--query-calls", "1", "--follow-up-size", str(SIZE)]
    command += ["--cache", str(root / "cache"), "--out", str(root / "out")]
    subprocess.run(command, check=True, timeout=900)
    results = json.loads((root / "out" / "BENCHMARKS.json").read_text(encoding="utf-8"))
    return results, (root / "out" / "BENCHMARKS.md").read_text(encoding="utf-8")


def test_machine_facts_come_first(reports: tuple[dict, str]) -> None:
    results, text = reports
    assert results["machine"]["cores"] >= 1
    assert results["machine"]["memory_bytes"] > 0
    assert text.index("## Machine") < text.index("## Targets") < text.index("## End to end")


def test_pipeline_run_is_timed_per_stage(reports: tuple[dict, str]) -> None:
    size = reports[0]["sizes"][0]
    assert size["participants"] == SIZE
    run = size["pipeline"]["runs"][0]
    assert run["run_status"] == "SUCCESS"
    assert set(run["stages"]) >= STAGES
    assert sum(run["stages"].values()) < run["total_seconds"]
    assert 0 < run["fixed_overhead_seconds"] < run["total_seconds"]
    assert run["peak_memory_bytes"] >= run["peak_rss_bytes"] > 0
    assert run["rows_read"] > SIZE
    assert run["warehouse_bytes"] > 0


def test_the_dbt_build_says_what_it_built_and_where_its_time_went(
    reports: tuple[dict, str],
) -> None:
    results, text = reports
    median = results["sizes"][0]["pipeline"]["median"]
    assert median["dbt_selection"].startswith("inget tidigare bygge")  # a first build
    assert median["dbt_models_built"] > 50
    slowest = median["dbt_slowest_models"]
    assert len(slowest) == 6 and slowest == sorted(slowest, key=lambda m: m[1], reverse=True)
    assert 0 < median["dbt_model_seconds"] < median["stages"]["dbt"]
    assert "## dbt build: what it built and where its time went" in text
    assert slowest[0][0].split("/")[-1] in text


def test_floor_is_timed_and_compared(reports: tuple[dict, str]) -> None:
    size = reports[0]["sizes"][0]
    assert set(size["floor"]["median"]["stages"]) == {"ingest", "models"}
    rows = size["floor"]["runs"][0]["rows"]
    assert rows["case_enrolments"] > SIZE
    assert rows["enrolments"] > 0
    assert rows["period_flows"] > 0
    assert size["summary"]["floor_ratio"] > 0
    # The physical limit: the same files read once, nothing else.
    read_limit = size["read_limit"]
    assert read_limit["files"] > 0 and read_limit["rows"] > SIZE and read_limit["seconds"] > 0


def test_the_dbt_build_is_timed_with_and_without_the_follow_up_models(
    reports: tuple[dict, str],
) -> None:
    results, text = reports
    size = results["sizes"][0]
    follow_up = size["follow_up"]
    assert [build["variant"] for build in follow_up["builds"]] == ["with", "without"]
    assert follow_up["follow_up_nodes"]["model"] > 0
    assert follow_up["panel_persons"] > 0 and follow_up["months_per_person"] > 24
    assert size["summary"]["follow_up_added_share"] == follow_up["added_share"]
    assert "## Follow-up models in the dbt stage" in text


def test_every_dashboard_page_query_is_timed(reports: tuple[dict, str]) -> None:
    dashboard = reports[0]["sizes"][0]["dashboard"]
    assert not [query for query in dashboard if "error" in query]
    pages = {query["page"] for query in dashboard}
    assert len(pages) >= 2
    for page in pages:
        assert any(q["page"] == page and q["scope"] == "page" for q in dashboard)
    assert all(query["worst_ms"] >= query["median_ms"] > 0 for query in dashboard)


def test_every_dashboard_page_is_drawn_in_chromium(reports: tuple[dict, str]) -> None:
    results, text = reports
    pages = results["sizes"][0]["pages"]
    assert {page["page"] for page in pages["pages"]} == set(router_pages())
    assert pages["app_start_ms"] > 0
    assert all(page["worst_ms"] >= page["median_ms"] > 0 for page in pages["pages"])
    assert "## Dashboard pages in Chromium" in text


def test_nothing_failed_and_what_was_skipped_says_so(reports: tuple[dict, str]) -> None:
    results, text = reports
    assert results["failures"] == []
    assert results["plan"]["incremental_sizes"] == []
    assert "incremental" not in results and "incremental" not in results["sizes"][0]
    assert "## Incremental: one new day of deliveries\n\nNot measured" in text


def test_targets_of_unmeasured_sizes_say_so(reports: tuple[dict, str]) -> None:
    results, text = reports
    assert {target["status"] for target in results["targets"]} == {"not measured"}
    for target in results["targets"]:
        assert target["description"] in text
