"""The figures of one period report, read from the published warehouse into a plain dict.

Every figure comes from a mart or from the table macros `marts.period_summary`,
`marts.period_summary_by_gender`, `marts.period_flows_by_breakdown`,
`marts.period_exits_by_reason`, `marts.budget_status` and the `marts.period_follow_up_*`
macros (Uppföljning efter avslut for the period's cohort windows), which share their
definitions with the marts; this module only selects and arranges, so the report, the
dashboard and an analyst's SQL always agree. The comparison with the previous period and
the same period a year earlier calls `marts.period_summary` for those periods; the trend
over six tertials selects the tertial rows of `marts.period_flows` and `marts.outcomes`.
Keys are the figure ids of the figure catalogue (`marts.figure_catalog`), whose labels,
definitions and disclosure bases travel with the report under `figures`; the follow-up
figures sit under `follow_up` by the keys of the JSON contract, mapped to figure ids below.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.disclosure import CELL_KEY_SUFFIX, is_small
from pipelines.figure_catalog import Catalog, read_catalog, read_glossary
from pipelines.report.configuration import comment_for, forbund_name
from pipelines.report.periods import (
    LOCAL_TIME,
    Period,
    a_year_earlier,
    period_name,
    previous,
    short_name,
    tertial_code,
    tertials_ending_with,
)
from pipelines.revisions import revised_figures

ALL_UNITS = "Alla enheter"
ALL_INSATSER = "Alla insatser"
FLOW_KEYS = [
    "active_at_start",
    "enrolled",
    "exited",
    "dropouts",
    "active_at_end",
    "served",
    "queue_at_end",
]
EXIT_COUNT_KEYS = [
    "exits",
    "exits_excluding_dropouts",
    "goal_share_base",
    "goal_exits",
    "goal_exits_including_dropouts",
    "goal_exits_excluding_dropouts",
    "work_or_studies_exits",
    "throughput_exits",
]
EXIT_VALUE_KEYS = [
    "goal_share",
    "goal_share_including_dropouts",
    "goal_share_excluding_dropouts",
    "work_or_studies_share",
    "mean_months",
    "median_months",
    "cost",
    "cost_per_served",
    "cost_per_goal",
]
BUDGET_KEYS = ["budget", "actual_to_date", "difference", "full_year_forecast", "forecast_result"]
# Uppföljning efter avslut: JSON key -> figure id (the marts' columns where they differ).
STATUS_FIGURES = {
    "exits": "follow_up_exits",
    "cohort": "follow_up_cohort",
    "covered": "follow_up_covered",
    "self_supporting": "self_supporting",
    "self_supporting_share": "self_supporting_share",
}
STATUS_COUNTS = ["exits", "cohort", "covered", "self_supporting"]
SOURCE_FIGURE = "follow_up_source_persons"
RETURN_FIGURES = {
    "base": "return_base",
    "within_6": "returns_within_6",
    "7_12": "returns_7_12",
    "13_24": "returns_13_24",
}
RETURN_COLUMNS = {
    "base": "base",
    "within_6": "within_6",
    "7_12": "months_7_12",
    "13_24": "months_13_24",
}
# The marts' maturity flags -> their JSON keys (the views map them back to protect).
MATURITY_FLAGS = {
    "is_mature": "mature",
    "is_mature_6": "mature_6",
    "is_mature_12": "mature_12",
    "is_mature_24": "mature_24",
}
PAYMENT_MEASURES = ["before", "after", "change"]
PAYMENT_FIGURES = {
    "participants": "payment_participants",
    **{f"{m}_per_participant": f"payments_{m}_per_participant" for m in PAYMENT_MEASURES},
    **{f"{m}_total": f"payments_{m}_total" for m in PAYMENT_MEASURES},
}
EXTENT_FIGURES = {
    "base": "extent_base",
    "covered": "extent_covered",
    "ended": "extent_ended",
    "lowered": "extent_lowered",
    "unchanged": "extent_unchanged",
}
FOLLOW_UP_FIGURES = [
    *STATUS_FIGURES.values(),
    SOURCE_FIGURE,
    *RETURN_FIGURES.values(),
    *PAYMENT_FIGURES.values(),
    *EXTENT_FIGURES.values(),
]
SCB_KEYS = ["both_sources", "only_case_system", "only_scb"]
GENDER_KEYS = ["enrolled", "active_at_end", "served"]
# The breakdowns beside kön (dimensions of marts.period_flows_by_breakdown), same figures.
BREAKDOWNS = ["age_band", "referrer", "income_source_at_enrolment"]
# The key figures compared with earlier periods (the counts their shares and means rest on
# included, so each is protected as in its own report).
COMPARISON_KEYS = [
    "active_at_start",
    "enrolled",
    "exited",
    "active_at_end",
    "served",
    "goal_share_base",
    "goal_exits",
    "goal_share",
    "throughput_exits",
    "mean_months",
    "median_months",
    "cost",
    "cost_per_served",
]
COMPARISONS = {"previous": previous, "a_year_earlier": a_year_earlier}
# The flow/result chart: the tertial rows of the marts over the last six tertials.
TREND_TERTIALS = 6
TREND_FLOWS = ["enrolled", "exited", "active_at_end"]
TREND_EXITS = ["goal_exits"]
REPORT_FIGURES = [
    *FLOW_KEYS,
    "exits_by_reason",
    *EXIT_COUNT_KEYS,
    *EXIT_VALUE_KEYS,
    *SCB_KEYS,
    *BUDGET_KEYS,
    *FOLLOW_UP_FIGURES,
]
GLOSSARY_TERMS = ["Inskrivningsperiod", "Cellnyckelmetoden"]
KEY = CELL_KEY_SUFFIX


class ReportError(Exception):
    """A request the report cannot answer, explained in both languages."""

    def __init__(self, swedish: str, english: str) -> None:
        super().__init__(english)
        self.swedish = swedish
        self.english = english


def _connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    if not Path(warehouse).is_file():
        raise ReportError(
            f"inget publicerat lager finns på {warehouse} (kör pipelinen först)",
            f"no published warehouse at {warehouse} (run the pipeline first)",
        )
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as error:
        raise ReportError(
            f"lagret {warehouse} kan inte öppnas: {error}",
            f"the warehouse {warehouse} cannot be opened: {error}",
        ) from error


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _unknown(name: str, known: list[str]) -> tuple[str, str]:
    """The names that exist, and the closest one when the name looks misspelt."""
    listed = ", ".join(sorted(known)) or "inga / none"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:
        return listed, listed
    return f"{listed} (menade du {close[0]!r}?)", f"{listed} (did you mean {close[0]!r}?)"


def _check_scope(con: duckdb.DuckDBPyConnection, insats: str, unit: str) -> None:
    """Unknown insats or unit is the user's mistake: name what exists instead. A unit is
    known for an insats when the insats has flows, units or ESF participants there, so a
    unit of another insats or a misspelt one is an error, never a report of zeros."""
    insatser = [
        row[0]
        for row in con.execute(
            "select insats from raw.insats_config union select insats from marts.period_flows "
            "union select insats from marts.enrolments"
        ).fetchall()
    ]
    if insats not in insatser:
        swedish, english = _unknown(insats, insatser)
        raise ReportError(
            f"okänd insats {insats!r}; kända insatser: {swedish}",
            f"unknown insats {insats!r}; known insatser: {english}",
        )
    if unit == ALL_UNITS:
        return
    units = [
        row[0]
        for row in con.execute(
            "select unit from marts.period_flows where insats = $1 and unit <> $2 "
            "union select unit from marts.units where insats = $1 "
            "union select unit from marts.esf_participants where insats = $1",
            [insats, ALL_UNITS],
        ).fetchall()
        if row[0]
    ]
    if unit not in units:
        swedish, english = _unknown(unit, units)
        raise ReportError(
            f"okänd enhet {unit!r} för {insats}; kända enheter: {swedish}",
            f"unknown unit {unit!r} for {insats}; known units: {english}",
        )


def _macro_rows(con: duckdb.DuckDBPyConnection, macro: str, params: list) -> list[dict]:
    """Rows of one of dbt's table macros for (insats, unit, date_from, date_to)."""
    try:
        return _records(con, f"select * from marts.{macro}($1, $2, $3, $4)", params)
    except duckdb.CatalogException as error:
        raise ReportError(
            f"lagret saknar marts.{macro} (dbt-körningen skapade inte makrot)",
            f"the warehouse lacks marts.{macro} (the dbt run did not create the macro)",
        ) from error


def _exits_by_reason(con: duckdb.DuckDBPyConnection, params: list) -> tuple[dict, dict]:
    """Exits per Avslutsorsak label in the period, most frequent first, and their cell keys."""
    rows = _macro_rows(con, "period_exits_by_reason", params)
    counts = {row["exit_reason"]: int(row["exits"]) for row in rows}
    return counts, {row["exit_reason"]: int(row["exits" + KEY]) for row in rows}


def _summary(con: duckdb.DuckDBPyConnection, params: list) -> tuple[dict, dict]:
    """The figures of `marts.period_summary` for (insats, unit, date_from, date_to), and
    the cell keys of its person counts."""
    summary = _macro_rows(con, "period_summary", params)[0]
    counts = FLOW_KEYS + EXIT_COUNT_KEYS
    figures = {
        "is_partial": bool(summary["is_partial"]),
        **{key: int(summary[key]) for key in counts},
        **{key: _number(summary[key]) for key in EXIT_VALUE_KEYS},
        "goal_definition": summary["goal_definition"],
        "throughput_window_start": str(summary["throughput_window_start"]),
    }
    return figures, {key: int(summary[key + KEY]) for key in counts}


def _period_entry(period: Period) -> dict[str, str | None]:
    """A period's dates, its Swedish name and, for a tertial, `2024-T1` (else null)."""
    return {
        "period_from": period.start.isoformat(),
        "period_to": period.end.isoformat(),
        "period_name": period_name(period),
        "tertial": tertial_code(period),
    }


def _comparisons(
    con: duckdb.DuckDBPyConnection, insats: str, unit: str, period: Period
) -> tuple[dict, dict]:
    """The key figures of the previous period and of the same period a year earlier, by
    the same table macro as the report's own period (so each column equals that
    period's own report)."""
    figures, keys = {}, {}
    for name, earlier in COMPARISONS.items():
        other = earlier(period)
        summary, summary_keys = _summary(con, [insats, unit, other.start, other.end])
        figures[name] = {
            **_period_entry(other),
            "is_partial": summary["is_partial"],
            **{key: summary[key] for key in COMPARISON_KEYS},
        }
        keys[name] = {key: summary_keys[key] for key in COMPARISON_KEYS if key in summary_keys}
    return figures, keys


def _trend(
    con: duckdb.DuckDBPyConnection, insats: str, unit: str, period: Period
) -> tuple[dict, dict]:
    """Enrolled, exited, active at the end and goal exits of the six tertials ending with
    the period, from the tertial rows of marts.period_flows and marts.outcomes; a tertial
    before the scope's first event has no row and no figures (a gap, not zeros)."""
    tertials = tertials_ending_with(period, TREND_TERTIALS)
    flow_columns = [f"flows.{c}, flows.{c}{KEY}" for c in TREND_FLOWS]
    exit_columns = [
        f"coalesce(outcomes.{c}, 0) as {c}, coalesce(outcomes.{c}{KEY}, 0) as {c}{KEY}"
        for c in TREND_EXITS
    ]
    rows = _records(
        con,
        f"select flows.period_start, {', '.join(flow_columns + exit_columns)} "
        "from marts.period_flows as flows left join marts.outcomes as outcomes "
        "on outcomes.insats = flows.insats and outcomes.unit = flows.unit "
        "and outcomes.period_type = flows.period_type "
        "and outcomes.period_label = flows.period_label and outcomes.dimension = 'total' "
        "where flows.insats = $1 and flows.unit = $2 and flows.period_type = 'tertial' "
        "and flows.period_start between $3 and $4",
        [insats, unit, tertials[0].start, tertials[-1].start],
    )
    by_start = {row["period_start"]: row for row in rows}
    figures, keys = {}, {}
    for tertial in tertials:
        row = by_start.get(tertial.start, {})
        name = short_name(tertial)
        figures[name] = {
            **_period_entry(tertial),
            **{c: _count(row.get(c)) for c in TREND_FLOWS + TREND_EXITS},
        }
        keys[name] = {c: _count(row.get(c + KEY)) for c in TREND_FLOWS + TREND_EXITS if c in row}
    return figures, keys


def _breakdowns(con: duckdb.DuckDBPyConnection, params: list) -> tuple[dict, dict]:
    """Enrolled, active at end and served per value of each breakdown (åldersgrupp,
    remitterande aktör, försörjning vid inskrivning), and their cell keys."""
    rows = _macro_rows(con, "period_flows_by_breakdown", params)

    def per_value(dimension: str, column: str) -> dict[str, dict[str, int]]:
        return {
            key: {
                row["dimension_value"]: int(row[key + column])
                for row in rows
                if row["dimension"] == dimension
            }
            for key in GENDER_KEYS
        }

    figures = {dimension: per_value(dimension, "") for dimension in BREAKDOWNS}
    return figures, {dimension: per_value(dimension, KEY) for dimension in BREAKDOWNS}


def _gender(con: duckdb.DuckDBPyConnection, params: list) -> tuple[dict, dict]:
    """Enrolled, active at end and served per gender ('okänt' when not recorded), and
    their cell keys."""
    rows = _macro_rows(con, "period_summary_by_gender", params)

    def per_gender(column: str) -> dict[str, dict[str, int]]:
        return {
            key: {(row["gender"] or "okänt"): int(row[key + column]) for row in rows}
            for key in GENDER_KEYS
        }

    return per_gender(""), per_gender(KEY)


def _scb_reconciliation(con: duckdb.DuckDBPyConnection, params: list) -> tuple[dict, dict]:
    """Persons of the insats in the period (at the unit: seen under one of the unit's ESF
    projects) by where they are found (marts.period_scb_reconciliation), and cell keys."""
    rows = _macro_rows(con, "period_scb_reconciliation", params)
    counts = {key: int(rows[0][key]) if rows else 0 for key in SCB_KEYS}
    return counts, {key: int(rows[0][key + KEY]) if rows else 0 for key in SCB_KEYS}


def _scb_reconciliation_all_time(
    con: duckdb.DuckDBPyConnection, insats: str, unit: str
) -> tuple[dict, dict]:
    """The same since the first delivery (marts.scb_reconciliation_by_unit)."""
    columns = [name for key in SCB_KEYS for name in (key, key + KEY)]
    row = con.execute(
        f"select {', '.join(columns)} from marts.scb_reconciliation_by_unit "
        "where insats = $1 and unit = $2",
        [insats, unit],
    ).fetchone()
    values = dict(zip(columns, (int(value) for value in row or (0,) * len(columns)), strict=True))
    return {key: values[key] for key in SCB_KEYS}, {key: values[key + KEY] for key in SCB_KEYS}


def _budget(con: duckdb.DuckDBPyConnection, insats: str, as_of: date) -> tuple[list, date | None]:
    """Budget lines for the calendar year of `as_of`, actuals to `as_of`, the total last."""
    rows = _records(
        con,
        "select * from marts.budget_status($1, $2) order by cost_line = 'Totalt', cost_line",
        [insats, as_of],
    )
    lines = [
        {"cost_line": row["cost_line"], **{key: _number(row[key]) for key in BUDGET_KEYS}}
        for row in rows
    ]
    forecast_dates = [row["forecast_date"] for row in rows if row.get("forecast_date")]
    return lines, max(forecast_dates, default=None)


def _count(value: object) -> int | None:
    """A person count; null for a figure of a cohort not yet mature for it."""
    return None if value is None else int(value)


def _window(row: Mapping[str, object]) -> dict[str, str]:
    """A cohort window: the exit months whose follow-up month lies in the report's period."""
    return {"exits_from": str(row["exits_from"]), "exits_to": str(row["exits_to"])}


def _maturity(row: Mapping[str, object]) -> dict[str, bool]:
    """A window's maturity flags under their JSON keys."""
    return {key: bool(row[flag]) for flag, key in MATURITY_FLAGS.items() if flag in row}


def _cohort_counts(row: Mapping[str, object], columns: Mapping[str, str]) -> tuple[dict, dict]:
    """A window's counts under their JSON keys (from the macro's columns), and cell keys."""
    counts = {key: _count(row[column]) for key, column in columns.items()}
    return counts, {key: _count(row[column + KEY]) for key, column in columns.items()}


def _follow_up_status(con: duckdb.DuckDBPyConnection, params: list) -> tuple[dict, dict]:
    """Status in month 6, 12 and 24 after exit, each for its own cohort window."""
    sources = _macro_rows(con, "period_follow_up_by_source", params)
    horizons: dict[str, dict] = {}
    keys: dict[str, dict] = {}
    for row in _macro_rows(con, "period_follow_up_status", params):
        months = str(row["months_after"])
        counts, keys[months] = _cohort_counts(row, {name: name for name in STATUS_COUNTS})
        in_month = [source for source in sources if source["months_after"] == row["months_after"]]
        by_source = {source["income_source"]: _count(source["persons"]) for source in in_month}
        horizons[months] = {
            **_window(row),
            **_maturity(row),
            **counts,
            "self_supporting_share": _number(row["self_supporting_share"]),
            "by_income_source": by_source if row["is_mature"] else None,
        }
        keys[months]["by_income_source"] = {
            source["income_source"]: _count(source["persons" + KEY])
            for source in in_month
            if horizons[months]["by_income_source"] is not None
        }
    return horizons, keys


def _follow_up_returns(con: duckdb.DuckDBPyConnection, params: list) -> tuple[dict, dict]:
    """Returns to public support within 24 months of the exits 24 months back."""
    [row] = _macro_rows(con, "period_follow_up_returns", params)
    counts, keys = _cohort_counts(row, RETURN_COLUMNS)
    return {**_window(row), **counts, **_maturity(row)}, keys


def _follow_up_payments(con: duckdb.DuckDBPyConnection, params: list) -> tuple[dict, dict]:
    """Kronor per paying party before enrolment and after exit, for the exits 12 months
    back: per participant and for the cohort."""
    payments: dict[str, dict] = {}
    keys: dict[str, dict] = {}
    for row in _macro_rows(con, "period_follow_up_payments", params):
        payments[row["party"]] = {
            **_window(row),
            "participants": int(row["participants"]),
            **_maturity(row),
            **{
                measure: {
                    "per_participant": _number(row[f"{measure}_per_participant"]),
                    "total": _number(row[f"{measure}_total"]),
                }
                for measure in PAYMENT_MEASURES
            },
        }
        keys[row["party"]] = {"participants": int(row["participants" + KEY])}
    return payments, keys


def _follow_up_benefit_extent(
    con: duckdb.DuckDBPyConnection, params: list
) -> dict[int, tuple[dict, dict]]:
    """Benefit extent ended or lowered, by month after exit (6, 12), each for its window."""
    by_month = {}
    for row in _macro_rows(con, "period_follow_up_benefit_extent", params):
        counts, keys = _cohort_counts(row, {name: name for name in EXTENT_FIGURES})
        entry = {"months_after": row["months_after"], **_window(row), **counts}
        by_month[row["months_after"]] = ({**entry, **_maturity(row)}, keys)
    return by_month


def _follow_up(con: duckdb.DuckDBPyConnection, params: list) -> tuple[dict, dict]:
    """Uppföljning efter avslut for the period's cohort windows, and the cell keys."""
    status, status_keys = _follow_up_status(con, params)
    returns, return_keys = _follow_up_returns(con, params)
    payments, payment_keys = _follow_up_payments(con, params)
    extent = _follow_up_benefit_extent(con, params)
    figures = {
        "months_after": status,
        "returns": returns,
        "payments": payments,
        "benefit_extent": extent[12][0],
        "benefit_extent_month_6": extent[6][0],
    }
    keys = {
        "months_after": status_keys,
        "returns": return_keys,
        "payments": payment_keys,
        "benefit_extent": extent[12][1],
        "benefit_extent_month_6": extent[6][1],
    }
    return figures, keys


def _number(value: object) -> float | None:
    """DuckDB decimals and doubles as JSON numbers; null stays null."""
    return None if value is None else float(value)


def _published_at(con: duckdb.DuckDBPyConnection) -> str | None:
    """When the warehouse was published, in Swedish time with its offset (ISO 8601); None
    for a work file that was never published."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'meta' "
        "and table_name = 'publication'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute("select epoch(max(published_at)) from meta.publication").fetchone()
    if row is None or row[0] is None:
        return None
    return datetime.fromtimestamp(row[0], LOCAL_TIME).isoformat(timespec="seconds")


def small_cells(report: dict) -> list[str]:
    """Paths of person counts of 1-4: exact here for scripts, masked in Markdown and Excel."""
    paths = [key for key in FLOW_KEYS + EXIT_COUNT_KEYS if is_small(report[key])]
    paths += [f"exits_by_reason.{k}" for k, v in report["exits_by_reason"].items() if is_small(v)]
    for group, counts in report["gender"].items():
        paths += [f"gender.{group}.{k}" for k, v in counts.items() if is_small(v)]
    for key in ("scb_reconciliation", "scb_reconciliation_all_time"):
        paths += [f"{key}.{k}" for k, v in report[key].items() if is_small(v)]
    for key in ("breakdowns", "comparisons", "trend", "follow_up"):
        paths += _small_paths(report.get(key, {}), report["cell_keys"].get(key, {}), key)
    return paths


def _small_paths(values: Mapping, keys: Mapping, path: str) -> list[str]:
    """Paths of the person counts (those with a cell key) of 1-4 under `path`."""
    paths = []
    for name, key in keys.items():
        value = values.get(name) if isinstance(values, Mapping) else None
        if isinstance(key, Mapping):
            paths += _small_paths(value or {}, key, f"{path}.{name}")
        elif is_small(value):
            paths.append(f"{path}.{name}")
    return paths


def report_definitions(catalog: Catalog, glossary: Mapping[str, str]) -> tuple[dict, dict]:
    """The catalogue entries of the report's figures, and the glossary terms it states."""
    figures = {
        key: {
            "label": catalog[key].label,
            "definition": catalog[key].definition,
            "unit": catalog[key].unit,
            "disclosure_basis": list(catalog[key].disclosure_basis),
            "protection": catalog[key].protection,
            "maturity_flag": catalog[key].maturity_flag,
            "cohort_basis": catalog[key].cohort_basis,
        }
        for key in REPORT_FIGURES
    }
    return figures, {term: glossary[term] for term in GLOSSARY_TERMS}


def period_report(
    warehouse: Path,
    insats: str,
    unit: str | None,
    date_from: date,
    date_to: date,
    config: Path | None = None,
) -> dict:
    """All figures of the report of `insats` (at `unit`, default all units) for the period,
    with the insats's comment for it from beside the configuration file `config`."""
    with _connect(warehouse) as con:
        return report_from(con, insats, unit, date_from, date_to, config)


def report_from(
    con: duckdb.DuckDBPyConnection,
    insats: str,
    unit: str | None,
    date_from: date,
    date_to: date,
    config: Path | None = None,
) -> dict:
    """The same on an open connection to the warehouse (many reports, one connection)."""
    unit = unit or ALL_UNITS
    _check_scope(con, insats, unit)
    period = Period(date_from, date_to)
    params = [insats, unit, date_from, date_to]
    summary, summary_keys = _summary(con, params)
    budget, forecast_date = _budget(con, insats, date_to)
    catalog = read_catalog(con)
    figures, glossary = report_definitions(catalog, read_glossary(con))
    exits_by_reason, reason_keys = _exits_by_reason(con, params)
    gender, gender_keys = _gender(con, params)
    breakdowns, breakdown_keys = _breakdowns(con, params)
    comparisons, comparison_keys = _comparisons(con, insats, unit, period)
    trend, trend_keys = _trend(con, insats, unit, period)
    scb, scb_keys = _scb_reconciliation(con, params)
    scb_all_time, scb_all_time_keys = _scb_reconciliation_all_time(con, insats, unit)
    follow_up, follow_up_keys = _follow_up(con, params)
    report = {
        "insats": insats,
        "unit": unit,
        "scope": scope_of(insats, unit),
        "forbund": forbund_name(config),
        **_period_entry(period),
        "published_at": _published_at(con),
        **summary,
        # Figures a later delivery changed since the tertial was first published, as shown.
        "revisions": revised_figures(con, catalog, insats, unit, (date_from, date_to)),
        "comparisons": comparisons,
        "trend": trend,
        "exits_by_reason": exits_by_reason,
        "gender": gender,
        "breakdowns": breakdowns,
        "scb_reconciliation": scb,
        "scb_reconciliation_all_time": scb_all_time,
        "budget_year": date_to.year,
        "budget_as_of": date_to.isoformat(),
        "forecast_date": None if forecast_date is None else str(forecast_date),
        "budget": budget,
        "follow_up": follow_up,
        "comment": comment_for(config, insats, period),
        "figures": figures,
        "glossary": glossary,
        # What the protected views (Markdown, Excel, PDF) perturb the counts by.
        "cell_keys": {
            **summary_keys,
            "comparisons": comparison_keys,
            "trend": trend_keys,
            "exits_by_reason": reason_keys,
            "gender": gender_keys,
            "breakdowns": breakdown_keys,
            "scb_reconciliation": scb_keys,
            "scb_reconciliation_all_time": scb_all_time_keys,
            "follow_up": follow_up_keys,
        },
    }
    report["small_cells"] = small_cells(report)
    return report


def scope_of(insats: str, unit: str) -> str:
    """`forbund` (every insats), `unit` (one unit) or `insats` (one insats, every unit)."""
    if unit != ALL_UNITS:
        return "unit"
    return "forbund" if insats == ALL_INSATSER else "insats"
