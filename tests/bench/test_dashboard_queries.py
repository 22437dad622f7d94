"""A function a page calls once per mart is measured once per mart."""

from __future__ import annotations

from dashboards import data
from pipelines.bench.dashboard_queries import page_calls


def _by_mart(wh: object, f: object, mart: str, dimension: str | None = None) -> str:
    return f"{mart} {f}"


def _plain(wh: object, f: object) -> str:
    return f"plain {f}"


def test_each_follow_up_mart_is_a_query_of_its_own() -> None:
    calls = page_calls(_by_mart, {"wh": None, "f": "view"})
    assert list(calls) == [f"_by_mart[{mart}]" for mart in data.FOLLOW_UP_MARTS]
    assert [call() for call in calls.values()] == [f"{mart} view" for mart in data.FOLLOW_UP_MARTS]


def test_a_function_called_once_is_one_query() -> None:
    calls = page_calls(_plain, {"wh": None, "f": "view"})
    assert {name: call() for name, call in calls.items()} == {"_plain": "plain view"}
