"""The next-day delivery is measured at several sizes (issue: at 100 000 and 1 000 000), each
kept with its size and shown side by side; an older report's single one still renders."""

from __future__ import annotations

from pipelines.bench.__main__ import build_plan, parse_args
from pipelines.bench.report import dbt_section, incremental_section, incrementals

STAGES = {"ingest": 10.0, "dbt": 60.0, "quality": 5.0, "publish": 1.0}


def _incremental(participants: int, description: str = "75 cases changed") -> dict:
    median = {"total_seconds": 80.0, "stages": STAGES, "peak_memory_bytes": 2e9}
    median |= {"rows_read": participants * 3, "dbt_models_built": 12, "dbt_model_seconds": 50.0}
    return {
        "participants": participants,
        "delivered": {"files": ["gwa_x_20241116.csv"], "description": description},
        "median": median,
        "share_of_full_run": 0.2,
    }


def _size(participants: int, incremental: dict | None = None) -> dict:
    size = {"participants": participants, "pipeline": {"median": {"total_seconds": 400.0}}}
    return size | ({"incremental": incremental} if incremental else {})


def test_each_size_with_an_incremental_gets_a_row_smallest_first() -> None:
    results = {
        "sizes": [
            _size(1_000),
            _size(1_000_000, _incremental(1_000_000)),
            _size(100_000, _incremental(100_000)),
        ]
    }
    runs = incrementals(results)
    assert [run["participants"] for run in runs] == [100_000, 1_000_000]
    text = incremental_section(runs)
    rows = [line for line in text.splitlines() if line.startswith("| 1")]
    assert [row.split(" | ")[0] for row in rows] == ["| 100 000", "| 1 000 000"]
    assert text.count("New files: `gwa_x_20241116.csv` (75 cases changed).") == 1
    dbt = dbt_section(results["sizes"], runs)
    assert "| next day on 100 000 |" in dbt and "| next day on 1 000 000 |" in dbt


def test_deliveries_that_differ_by_size_are_named_per_size() -> None:
    runs = [_incremental(100_000, "75 cases changed"), _incremental(1_000_000, "750 changed")]
    text = incremental_section(runs)
    assert "- on 100 000: `gwa_x_20241116.csv` (75 cases changed)\n" in text
    assert "- on 1 000 000: `gwa_x_20241116.csv` (750 changed)\n" in text


def test_a_legacy_top_level_incremental_renders_as_its_size() -> None:
    results = {"sizes": [_size(100_000), _size(1_000_000)], "incremental": _incremental(100_000)}
    text = incremental_section(incrementals(results))
    assert "| 100 000 | 300 000 | 1 min 20.0 s |" in text
    assert "Not measured" not in text


def test_no_incremental_says_not_measured() -> None:
    assert "Not measured in this run." in incremental_section(incrementals({"sizes": [_size(1)]}))


def test_the_cli_measures_100k_and_1m_by_default_and_0_means_none() -> None:
    assert build_plan(parse_args([])).incremental_sizes == (100_000, 1_000_000)
    assert build_plan(parse_args(["--incremental-sizes", "0"])).incremental_sizes == ()
    only_small = parse_args(["--sizes", "1000", "100000"])
    assert build_plan(only_small).incremental_sizes == (100_000,)
    assert build_plan(parse_args(["--sizes", "1000"])).incremental_sizes == ()
