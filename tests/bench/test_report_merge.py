"""`--keep-measured`: a size measured again replaces the earlier one; the rest are kept."""

from __future__ import annotations

from pipelines.bench.report import merge_previous


def _results(sizes: list[int], measured: list[int], failures: list[str]) -> dict:
    return {
        "plan": {"sizes": sizes},
        "sizes": [{"participants": size, "run": "new"} for size in measured],
        "failures": failures,
    }


def _incremental(participants: int, run: str) -> dict:
    return {"participants": participants, "run": run}


def test_new_sizes_replace_old_and_unmeasured_old_sizes_stay() -> None:
    previous = _results([1_000, 10_000], [1_000, 10_000], [])
    previous["sizes"] = [{"participants": size, "run": "old"} for size in (1_000, 10_000)]
    merged = merge_previous(_results([1_000, 100_000], [1_000, 100_000], []), previous)
    assert [(s["participants"], s["run"]) for s in merged["sizes"]] == [
        (1_000, "new"),
        (10_000, "old"),
        (100_000, "new"),
    ]
    assert [s.get("kept_from_earlier_run", False) for s in merged["sizes"]] == [
        False,
        True,
        False,
    ]


def test_a_kept_size_keeps_its_incremental_and_a_measured_one_drops_the_old() -> None:
    previous = _results([100_000, 1_000_000], [], [])
    previous["sizes"] = [
        {"participants": size, "run": "old", "incremental": _incremental(size, "old")}
        for size in (100_000, 1_000_000)
    ]
    results = _results([1_000_000], [1_000_000], [])
    merged = merge_previous(results, previous)
    by_size = {size["participants"]: size for size in merged["sizes"]}
    assert by_size[100_000]["incremental"] == _incremental(100_000, "old")
    assert "incremental" not in by_size[1_000_000]
    assert "incremental" not in merged


def test_a_legacy_top_level_incremental_goes_with_its_kept_size() -> None:
    previous = _results([10_000, 100_000], [10_000, 100_000], [])
    previous["incremental"] = _incremental(100_000, "legacy")
    merged = merge_previous(_results([10_000], [10_000], []), previous)
    by_size = {size["participants"]: size for size in merged["sizes"]}
    assert by_size[100_000]["incremental"] == _incremental(100_000, "legacy")
    assert "incremental" not in by_size[10_000]
    assert "incremental" not in merged


def test_a_legacy_incremental_of_a_size_measured_again_is_dropped() -> None:
    previous = _results([100_000], [100_000], [])
    previous["incremental"] = _incremental(100_000, "legacy")
    merged = merge_previous(_results([100_000], [100_000], []), previous)
    assert [size.get("incremental") for size in merged["sizes"]] == [None]
    assert "incremental" not in merged


def test_a_size_planned_but_not_reached_keeps_its_earlier_figures() -> None:
    previous = _results([1_000], [1_000], [])
    merged = merge_previous(_results([100_000, 1_000], [100_000], []), previous)
    assert {s["participants"] for s in merged["sizes"]} == {1_000, 100_000}


def test_an_old_failure_goes_once_the_size_is_measured() -> None:
    previous = _results(
        [1_000, 10_000],
        [],
        [
            "failed at 1000 participants: disk full",
            "failed at 10000 participants: lock",
        ],
    )
    merged = merge_previous(_results([1_000], [1_000], []), previous)
    assert merged["failures"] == ["failed at 10000 participants: lock"]
