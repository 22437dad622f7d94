"""Every read the dashboard makes of the published warehouse, and the one place cells are masked.

Pure functions over `marts`, `quality` and `meta` returning DataFrames. Each opens a
short-lived read-only connection (the nightly run replaces the file with os.replace, so a
long-held one would pin the old file) and is cached on the file's path and mtime, so a new
publication shows at once and the run is never blocked by a reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines.disclosure import MASK, small_counts
from pipelines.settings import load_settings

CACHE_TTL_SECONDS = 600
ALL_INSATSER = "Alla insatser"
ALL_UNITS = "Alla enheter"
WORKLIST_LIMIT = 2000
TRANSITION_TABLES = {
    "income": "marts.income_transitions",
    "occupation": "marts.occupation_transitions",
}
FLOW_COUNTS = [
    "active_at_start",
    "enrolled",
    "exited",
    "dropouts",
    "active_at_end",
    "served",
    "queue_at_end",
    "average_enrolled",
]
OUTCOME_COUNTS = [
    "exits",
    "dropouts",
    "exits_excluding_dropouts",
    "goal_exits",
    "work_or_studies_exits",
]
OUTCOME_SHARES = {
    "goal_share": ("goal_exits", "exits_excluding_dropouts"),
    "work_or_studies_share": ("work_or_studies_exits", "exits"),
}


@dataclass(frozen=True)
class Warehouse:
    """The published file as of one publication: mtime is part of every cache key."""

    path: str
    mtime: float


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices; None means no restriction."""

    insats: str = ALL_INSATSER
    unit: str = ALL_UNITS
    municipality: str | None = None
    period_type: str = "tertial"
    period_label: str | None = None
    gender: str | None = None
    age_band: str | None = None


def locate() -> Warehouse | None:
    """The published warehouse from settings, or None when nothing is published yet."""
    path = Path(load_settings().warehouse)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return Warehouse(str(path.resolve()), mtime)


def _query(wh: Warehouse, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    con = duckdb.connect(wh.path, read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def mask_small_cells(
    df: pd.DataFrame,
    counts: Sequence[str],
    derived: dict[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """Replace person counts of 1-4, and figures computed from them, with "<5".

    Zero stays visible: it describes nobody. Derived figures (shares, means, costs per
    person) are masked when any count they rest on is small, since they would reveal it.
    """
    masked = df.copy()
    small = {col: small_counts(df[col]) for col in counts}
    for col, basis in (derived or {}).items():
        hidden = pd.concat([small_counts(df[b]) for b in basis], axis=1).any(axis=1)
        masked[col] = masked[col].astype(object).where(~hidden, MASK)
    for col, hidden in small.items():
        masked[col] = masked[col].astype(object).where(~hidden, MASK)
    return masked


def numeric(series: pd.Series) -> pd.Series:
    """A masked column as numbers for charts: masked cells become missing, not zero."""
    return pd.to_numeric(series.where(series != MASK), errors="coerce")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def publication(wh: Warehouse) -> pd.DataFrame:
    """When the warehouse was published, by which run."""
    return _query(
        wh,
        "select published_at, run_id from meta.publication order by published_at desc limit 1",
    )


def is_stale(published_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    """A publication older than a day means last night's run did not publish."""
    now = now or dt.datetime.now(dt.UTC)
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=dt.UTC)
    return now - published_at > dt.timedelta(days=1)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def scopes(wh: Warehouse) -> pd.DataFrame:
    """Insats x unit pairs with flows, and each unit's municipality (null for aggregates)."""
    return _query(
        wh,
        """
        with units as (
            select unit, any_value(municipality_name) as municipality_name
            from marts.enrolments
            where municipality_name is not null
            group by unit
        )
        select distinct flows.insats, flows.unit, units.municipality_name
        from marts.period_flows as flows
        left join units using (unit)
        order by flows.insats, flows.unit
        """,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def periods(wh: Warehouse) -> pd.DataFrame:
    """Every period the flows cover, per period type, oldest first."""
    return _query(
        wh,
        """
        select distinct period_type, period_label, period_start, period_end
        from marts.period_flows
        order by period_type, period_start, period_end
        """,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def dimension_values(wh: Warehouse, dimension: str) -> list[str]:
    """The values a breakdown takes in the outcomes mart (e.g. the age bands)."""
    df = _query(
        wh,
        "select distinct dimension_value from marts.outcomes "
        "where dimension = ? and dimension_value is not null order by 1",
        [dimension],
    )
    return df["dimension_value"].tolist()


def units_in_scope(wh: Warehouse, f: Filters) -> list[str]:
    """The unit rows a figure sums: one unit, a municipality's units, or the computed total."""
    if f.unit != ALL_UNITS or f.municipality is None:
        return [f.unit]
    df = scopes(wh)
    chosen = df[(df["insats"] == f.insats) & (df["municipality_name"] == f.municipality)]
    return sorted(chosen["unit"].unique().tolist())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _flows(wh: Warehouse, insats: str, units: tuple[str, ...], period_type: str) -> pd.DataFrame:
    return _query(
        wh,
        """
        select period_label, period_start, period_end,
            sum(active_at_start)::bigint as active_at_start, sum(enrolled)::bigint as enrolled,
            sum(exited)::bigint as exited, sum(dropouts)::bigint as dropouts,
            sum(active_at_end)::bigint as active_at_end, sum(served)::bigint as served,
            sum(queue_at_end)::bigint as queue_at_end,
            sum(average_enrolled)::double as average_enrolled
        from marts.period_flows
        where insats = ? and list_contains(?, unit) and period_type = ?
        group by all
        order by period_start
        """,
        [insats, list(units), period_type],
    )


def flows(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Flow figures per period of the chosen type up to the chosen period, masked."""
    df = _flows(wh, f.insats, tuple(units_in_scope(wh, f)), f.period_type)
    df = _up_to(df, f.period_label)
    return mask_small_cells(df, FLOW_COUNTS)


def _up_to(df: pd.DataFrame, period_label: str | None) -> pd.DataFrame:
    if period_label is None or period_label not in set(df["period_label"]):
        return df.reset_index(drop=True)
    end = df.loc[df["period_label"] == period_label, "period_start"].iloc[0]
    return df[df["period_start"] <= end].reset_index(drop=True)


def previous_label(period_rows: pd.DataFrame, period_label: str) -> str | None:
    """The period just before: the one ending the day before this starts, else the latest earlier.

    For rolling 12-month windows this is the preceding, non-overlapping window.
    """
    current = period_rows[period_rows["period_label"] == period_label]
    if current.empty:
        return None
    start = pd.Timestamp(current["period_start"].iloc[0])
    ends = pd.to_datetime(period_rows["period_end"])
    adjacent = period_rows[ends == start - pd.Timedelta(days=1)]
    earlier = period_rows[pd.to_datetime(period_rows["period_start"]) < start]
    chosen = adjacent if not adjacent.empty else earlier.tail(1)
    return None if chosen.empty else str(chosen["period_label"].iloc[-1])


def previous_period(wh: Warehouse, f: Filters) -> str | None:
    """The label of the period before the chosen one, of the same type."""
    rows = periods(wh)
    return previous_label(rows[rows["period_type"] == f.period_type], f.period_label or "")


def period_row(df: pd.DataFrame, period_label: str | None) -> pd.Series:
    """One period's row of a per-period frame; empty when the period has none."""
    match = df[df["period_label"] == period_label]
    return match.iloc[0] if not match.empty else pd.Series(dtype=object)


def outcome_selector(f: Filters) -> tuple[str, str | None]:
    """Which outcomes row answers the filters: the marts break down by one dimension at a time."""
    if f.gender is not None:
        return "gender", f.gender
    if f.age_band is not None:
        return "age_band", f.age_band
    if f.municipality is not None and f.unit == ALL_UNITS:
        return "municipality_name", f.municipality
    return "total", None


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _outcomes(
    wh: Warehouse, insats: str, unit: str, period_type: str, dimension: str
) -> pd.DataFrame:
    return _query(
        wh,
        """
        select period_label, dimension_value, exits, dropouts, exits_excluding_dropouts,
            goal_exits, work_or_studies_exits, goal_share, work_or_studies_share,
            goal_definition
        from marts.outcomes
        where insats = ? and unit = ? and period_type = ? and dimension = ?
        order by period_label, dimension_value
        """,
        [insats, unit, period_type, dimension],
    )


def outcomes(wh: Warehouse, f: Filters, dimension: str) -> pd.DataFrame:
    """One breakdown of exits and goal shares for the chosen period, masked."""
    df = _outcomes(wh, f.insats, f.unit, f.period_type, dimension)
    df = df[df["period_label"] == f.period_label].drop(columns="period_label")
    return mask_small_cells(df.reset_index(drop=True), OUTCOME_COUNTS, OUTCOME_SHARES)


def outcome_trend(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """The filters' outcome row (total, or the chosen gender/age band/municipality) per period."""
    dimension, value = outcome_selector(f)
    df = _outcomes(wh, f.insats, f.unit, f.period_type, dimension)
    if value is not None:
        df = df[df["dimension_value"] == value]
    order = periods(wh)
    order = order[order["period_type"] == f.period_type][["period_label", "period_start"]]
    df = df.merge(order, on="period_label").sort_values("period_start")
    df = _up_to(df, f.period_label)
    return mask_small_cells(df, OUTCOME_COUNTS, OUTCOME_SHARES)


def key_figures(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """The overview's figures for the chosen period and the one before, masked.

    Index: figure name (column name in its mart); columns `current` and `previous`.
    """
    rows = periods(wh)
    rows = rows[rows["period_type"] == f.period_type]
    labels = {"current": f.period_label, "previous": previous_period(wh, f)}
    sources = [
        (flows(wh, f), ["active_at_end", "enrolled", "exited", "dropouts", "queue_at_end"]),
        (outcome_trend(wh, f), ["goal_share"]),
        (_matching_throughput(wh, f, rows), ["mean_months"]),
        (cost_per_participant(wh, f), ["cost_per_served"]),
    ]
    figures = {
        column: {key: period_row(df, label).get(column) for key, label in labels.items()}
        for df, columns in sources
        for column in columns
    }
    return pd.DataFrame.from_dict(figures, orient="index", columns=list(labels))


def _matching_throughput(wh: Warehouse, f: Filters, rows: pd.DataFrame) -> pd.DataFrame:
    """Throughput windows labelled like the chosen periods.

    Month and tertial have no window of their own; they get the rolling 12 months ending
    with them, relabelled to the period they end.
    """
    if f.period_type in throughput_windows(wh):
        return throughput(wh, f, f.period_type)
    rolling = throughput(wh, f, "rolling_12m").drop(columns="period_label")
    ends = rows[["period_label", "period_end"]]
    return rolling.merge(ends, on="period_end")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def exits_by_reason(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Exits per reason in the chosen period, largest first, masked."""
    df = _query(
        wh,
        """
        select coalesce(exit_reason, 'Uppgift saknas') as exit_reason,
            sum(exits)::bigint as exits
        from marts.exits_by_reason
        where insats = ? and list_contains(?, unit) and period_type = ? and period_label = ?
        group by all
        order by exits desc, exit_reason
        """,
        [f.insats, units_in_scope(wh, f), f.period_type, f.period_label],
    )
    return mask_small_cells(df, ["exits"])


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def throughput_windows(wh: Warehouse) -> list[str]:
    """Window types the throughput mart has (calendar year, July-June, rolling 12 months)."""
    df = _query(wh, "select distinct window_type from marts.throughput_times order by 1")
    return df["window_type"].tolist()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def throughput(wh: Warehouse, f: Filters, window_type: str) -> pd.DataFrame:
    """Mean and median months enrolled per window, oldest first, masked on few exits."""
    df = _query(
        wh,
        """
        select period_label, period_start, period_end, exits, mean_months, median_months
        from marts.throughput_times
        where insats = ? and unit = ? and window_type = ?
        order by period_start
        """,
        [f.insats, f.unit, window_type],
    )
    months = ("exits",)
    return mask_small_cells(df, ["exits"], {"mean_months": months, "median_months": months})


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def survival_dimensions(wh: Warehouse, insats: str) -> list[str]:
    """The groupings the Kaplan-Meier mart has for an insats."""
    df = _query(
        wh,
        "select distinct dimension from marts.time_to_outcome where insats = ? order by 1",
        [insats],
    )
    return df["dimension"].tolist()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def survival(wh: Warehouse, insats: str, dimension: str, outcome: str) -> pd.DataFrame:
    """Kaplan-Meier steps per group; a step is hidden once fewer than 5 remain at risk."""
    df = _query(
        wh,
        """
        select dimension_value, month, at_risk, events, censored, survival, cumulative_share
        from marts.time_to_outcome
        where insats = ? and dimension = ? and outcome = ?
        order by dimension_value, month
        """,
        [insats, dimension, outcome],
    )
    risk = ("at_risk",)
    return mask_small_cells(
        df,
        ["at_risk", "events", "censored"],
        {"survival": risk, "cumulative_share": risk},
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def transitions(wh: Warehouse, f: Filters, kind: str) -> pd.DataFrame:
    """Persons per (before, after) pair for exits in the period: income or occupation."""
    df = _query(
        wh,
        f"""
        select coalesce(before, 'Uppgift saknas') as before,
            coalesce(after, 'Uppgift saknas') as after, sum(persons)::bigint as persons
        from {TRANSITION_TABLES[kind]}
        where insats = ? and period_type = ? and period_label = ?
        group by all
        order by before, after
        """,
        [f.insats, f.period_type, f.period_label],
    )
    return mask_small_cells(df, ["persons"])


def _insats_clause() -> str:
    return "(? = '" + ALL_INSATSER + "' or insats = ?)"


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def budget_dates(wh: Warehouse) -> pd.DataFrame:
    """Year and month ends the budget mart covers, newest first."""
    return _query(
        wh,
        "select distinct year, as_of_date from marts.budget_vs_forecast "
        "order by year desc, as_of_date desc",
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def budget(wh: Warehouse, insats: str, as_of: dt.date) -> pd.DataFrame:
    """Budget, actual to date, forecast and forecast result per cost line on a month end.

    Amounts add up across insatser, so 'Alla insatser' is their sum.
    """
    return _query(
        wh,
        f"""
        select cost_line, sum(budget) as budget, sum(actual_to_date) as actual_to_date,
            sum(difference) as difference, sum(full_year_forecast) as full_year_forecast,
            sum(forecast_result) as forecast_result, max(forecast_date) as forecast_date
        from marts.budget_vs_forecast
        where {_insats_clause()} and as_of_date = ?
        group by cost_line
        order by cost_line
        """,
        [insats, insats, as_of],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def burn(wh: Warehouse, insats: str, year: int) -> pd.DataFrame:
    """Actual cost to date at each month end of a year, against the year's budget."""
    return _query(
        wh,
        f"""
        select as_of_date, sum(actual_to_date) as actual_to_date, sum(budget) as budget,
            sum(full_year_forecast) as full_year_forecast
        from marts.budget_vs_forecast
        where {_insats_clause()} and year = ?
        group by as_of_date
        order by as_of_date
        """,
        [insats, insats, year],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cost_per_participant(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Cost per served participant and per goal exit, per period of the chosen type, masked."""
    df = _query(
        wh,
        """
        select cost.period_label, flows.period_start, cost.cost, cost.served, cost.goal_exits,
            cost.cost_per_served, cost.cost_per_goal
        from marts.cost_per_participant as cost
        join (select distinct period_type, period_label, period_start
              from marts.period_flows) as flows using (period_type, period_label)
        where cost.insats = ? and cost.period_type = ?
        order by flows.period_start
        """,
        [f.insats, f.period_type],
    )
    df = _up_to(df, f.period_label)
    return mask_small_cells(
        df,
        ["served", "goal_exits"],
        {"cost_per_served": ("served",), "cost_per_goal": ("goal_exits",)},
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def funding(wh: Warehouse, insats: str, year: int) -> pd.DataFrame:
    """Each funding party's share and amount of the year's budget."""
    return _query(
        wh,
        f"""
        select party,
            sum(budget_amount) * 100 / sum(sum(budget_amount)) over () as share_percent,
            sum(budget_amount) as budget_amount
        from marts.funding_by_party
        where {_insats_clause()} and year = ?
        group by party
        order by budget_amount desc
        """,
        [insats, insats, year],
    )


def _worklist_scope() -> str:
    return f"{_insats_clause()} and (? = '{ALL_UNITS}' or unit is not distinct from ?)"


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def worklist_summary(wh: Warehouse, insats: str, unit: str) -> pd.DataFrame:
    """Open findings (latest run) per unit, caseworker and field, the longest open first.

    Aggregated in DuckDB so the overview stays fast however many findings there are;
    the cases themselves are read per caseworker by `worklist`.
    """
    return _query(
        wh,
        f"""
        select unit, caseworker, field, count(*) as findings,
            min(since_date) as oldest_since_date, max(days_open) as max_days_open
        from marts.steward_worklist
        where {_worklist_scope()}
        group by unit, caseworker, field
        order by max_days_open desc nulls last, oldest_since_date nulls last,
            unit nulls last, caseworker nulls last, field nulls first
        """,
        [insats, insats, unit, unit],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def worklist(
    wh: Warehouse,
    insats: str,
    unit: str,
    caseworker: str | None,
    limit: int = WORKLIST_LIMIT,
) -> pd.DataFrame:
    """One caseworker's open findings (latest run), oldest problem first, at most `limit`.

    A missing caseworker (None) is a value of its own: such cases need fixing too.
    """
    return _query(
        wh,
        f"""
        select unit, caseworker, case_id, field, problem, severity, since_date, days_open,
            insats, organisation, "check"
        from marts.steward_worklist
        where {_worklist_scope()} and caseworker is not distinct from ?
        order by days_open desc nulls last, since_date nulls last, unit, case_id, field
        limit ?
        """,
        [insats, insats, unit, unit, caseworker, limit],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def check_results(wh: Warehouse) -> pd.DataFrame:
    """Verdicts of every check in the latest quality run, failures first."""
    return _query(
        wh,
        """
        select suite, expectation, asset, severity, success, observed_value, threshold,
            details, run_at
        from quality.quality_results
        where run_at = (select max(run_at) from quality.quality_results)
        order by success, severity, suite, expectation
        """,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def reconciliation(wh: Warehouse, insats: str) -> pd.DataFrame:
    """Persons per ESF project found in both sources, only the case system, or only SCB."""
    df = _query(
        wh,
        f"""
        select esf_project,
            count(*) filter (where status = 'both') as both_sources,
            count(*) filter (where status = 'only_case_system') as only_case_system,
            count(*) filter (where status = 'only_scb') as only_scb,
            count(*) as persons
        from marts.scb_reconciliation
        where {_insats_clause()}
        group by esf_project
        order by esf_project
        """,
        [insats, insats],
    )
    return mask_small_cells(df, ["both_sources", "only_case_system", "only_scb", "persons"])


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def stated_figures(wh: Warehouse, insats: str) -> pd.DataFrame:
    """Figures an insats published by hand against the computed ones, differences first."""
    return _query(
        wh,
        f"""
        select insats, coalesce(unit, 'Hela insatsen') as unit, figure, stated_value,
            computed_value, difference as stated_difference, is_consistent
        from marts.stated_figure_checks
        where {_insats_clause()}
        order by is_consistent, insats, figure
        """,
        [insats, insats],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def reach(wh: Warehouse, municipality: str | None) -> pd.DataFrame:
    """Participants per 1 000 inhabitants aged 16-64 per municipality and year, masked."""
    df = _query(
        wh,
        """
        select municipality_name, year, participants, population_16_64, per_1000
        from marts.reach
        where ? is null or municipality_name = ?
        order by year desc, municipality_name
        """,
        [municipality, municipality],
    )
    return mask_small_cells(df, ["participants"], {"per_1000": ("participants",)})
