"""Latency of the queries behind each dashboard page, against a published warehouse.

The queries are the dashboard's own data module functions, called directly with the view a
manager first sees (latest tertial, all insatser, all units). Streamlit's cache is cleared
before every call, so each figure is a cold read of the warehouse, as after a publication.
Which functions a page uses is read from the page's source, so a new page is measured too.
"""

from __future__ import annotations

import ast
import inspect
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
import streamlit.logger

# Before the data module creates its caches: outside a Streamlit server each would warn.
streamlit.logger.set_log_level("error")

from dashboards import data  # noqa: E402

DASHBOARD_DIR = Path(data.__file__).parent
PAGES_DIR = DASHBOARD_DIR / "app_pages"
FRAME_PAGE = "(frame, every page)"
PAGE_TOTAL = "(whole page)"
# Parameters a page calls one function with in turn (the Uppföljning page reads each
# follow-up mart through `data.follow_up`): each value is measured as a query of its own.
IN_TURN = {"mart": tuple(data.FOLLOW_UP_MARTS)}


def warehouse_functions() -> dict[str, Callable]:
    """Public functions of the data module that read the warehouse (first parameter `wh`)."""
    functions = {}
    for name, value in vars(data).items():
        if name.startswith("_") or not callable(value) or isinstance(value, type):
            continue
        try:
            parameters = list(inspect.signature(value).parameters)
        except (TypeError, ValueError):
            continue
        if parameters[:1] == ["wh"]:
            functions[name] = value
    return functions


def _names_used(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    return names | {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def page_functions() -> dict[str, list[str]]:
    """Page (file stem) onto the data functions its source calls; the router and its
    helper modules (`dashboards/*.py`) are the frame drawn on every page."""
    functions = warehouse_functions()
    frame = set()
    for source in DASHBOARD_DIR.glob("*.py"):
        if source.name != Path(data.__file__).name:
            frame |= _names_used(source) & functions.keys()
    pages = {FRAME_PAGE: sorted(frame)} if frame else {}
    for source in sorted(PAGES_DIR.glob("*.py")):
        used = sorted(_names_used(source) & functions.keys())
        if used:
            pages[source.stem] = used
    return pages


def default_arguments(wh: data.Warehouse) -> dict[str, object]:
    """Arguments by parameter name for the first view: latest tertial, everything included."""
    periods = data.periods(wh)
    tertials = periods[periods["period_type"] == "tertial"]
    budget_dates = data.budget_dates(wh)
    latest_budget = budget_dates.iloc[0] if not budget_dates.empty else None
    # The Datakvalitet page lists the caseworker with the longest-open finding first.
    worklist = data.worklist_summary(wh, data.ALL_INSATSER, data.ALL_UNITS, True)
    return {
        "wh": wh,
        "f": data.Filters(
            period_type="tertial",
            period_label=tertials["period_label"].iloc[-1] if not tertials.empty else None,
        ),
        "insats": data.ALL_INSATSER,
        "unit": data.ALL_UNITS,
        "municipality": None,
        "dimension": "total",
        "outcome": "avslut",
        "kind": "income",
        "year": None if latest_budget is None else int(latest_budget["year"]),
        "as_of": None if latest_budget is None else latest_budget["as_of_date"],
        "caseworker": None if worklist.empty else worklist["caseworker"].iloc[0],
        "limit": data.WORKLIST_LIMIT,
        "fixable_only": True,
    }


def _cold_call_ms(call: Callable[[], object]) -> float:
    st.cache_data.clear()
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _latency(page: str, query: str | None, call: Callable[[], object], calls: int) -> dict:
    """A query's latency, or the whole page's when `query` is None; a failure is reported,
    not raised, so one broken query does not hide the others' figures."""
    result = {"page": page, "query": query or PAGE_TOTAL, "scope": "query" if query else "page"}
    try:
        times = [_cold_call_ms(call) for _ in range(calls)]
    except Exception as error:  # any failure of the dashboard code is reported
        return result | {"error": f"{type(error).__name__}: {error}"[:300]}
    return result | {"calls": calls, "median_ms": statistics.median(times), "worst_ms": max(times)}


def _bound(function: Callable, arguments: dict[str, object]) -> Callable[[], object]:
    """The function with the first view's arguments; parameters with defaults keep them."""
    parameters = inspect.signature(function).parameters.values()
    names = [p.name for p in parameters if p.name in arguments or p.default is p.empty]
    missing = [name for name in names if name not in arguments]
    if missing:
        raise KeyError(f"{function.__name__}: no benchmark argument for {missing}")
    return lambda: function(**{name: arguments[name] for name in names})


def page_calls(function: Callable, arguments: dict[str, object]) -> dict[str, Callable]:
    """The function's calls on a page by query name: one, or one per value of a parameter
    the page calls it with in turn (named `function[value]`)."""
    parameters = inspect.signature(function).parameters
    varying = [name for name in IN_TURN if name in parameters]
    if not varying:
        return {function.__name__: _bound(function, arguments)}
    name = varying[0]
    return {
        f"{function.__name__}[{value}]": _bound(function, arguments | {name: value})
        for value in IN_TURN[name]
    }


def _in_a_row(calls: dict[str, Callable[[], object]]) -> Callable[[], object]:
    return lambda: [call() for call in calls.values()]


def dashboard_latency(warehouse: Path, calls: int) -> list[dict[str, object]]:
    """Median and worst cold latency of every page's data functions, one by one and for the
    whole page (all its functions in a row, as when the page is opened)."""
    if not warehouse.exists():
        return []
    wh = data.Warehouse(str(warehouse.resolve()), warehouse.stat().st_mtime)
    arguments = default_arguments(wh)
    functions = warehouse_functions()
    results = []
    for page, names in page_functions().items():
        bound = {
            query: call
            for name in names
            for query, call in page_calls(functions[name], arguments).items()
        }
        results += [_latency(page, name, call, calls) for name, call in bound.items()]
        results.append(_latency(page, None, _in_a_row(bound), calls))
    return results
