"""`--keep-measured`: a size measured again replaces the earlier one; the rest are kept."""

from __future__ import annotations

from pipelines.bench.report import merge_previous


def _results(sizes: list[int], measured: list[int], failures: list[str]) -> dict:
    return {
        "plan": {"sizes": sizes},
        "sizes": [{"participants": size, "run": "new"} for size in measured],
        "incremental": None,
        "failures": failures,
    }


def test_new_sizes_replace_old_and_unmeasured_old_sizes_stay() -> None:
    previous = _results([1_000, 10_000], [1_000, 10_000], [])
    previous["sizes"] = [{"participants": size, "run": "old"} for size in (1_000, 10_000)]
    previous["incremental"] = {"participants": 10_000}
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
    assert merged["incremental"] == {"participants": 10_000}


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
