"""Every read the dashboard makes of the published warehouse, and the one place cells are masked.

Pure selects from `marts`, `quality` and `meta` returning DataFrames: no figure is computed
here. Every aggregate a page shows (a municipality, "Alla insatser", an ESF project) is a
mart row the report and analysts read too, and cells are masked on the disclosure bases of
the figure catalogue (`marts.figure_catalog`) through `pipelines.disclosure`. Reads share
one read-only connection per publication (a cursor each) and are cached on the file's path
and mtime, so a new publication shows at once and the run is never blocked by a reader:
the run replaces the file with os.replace, and the connection to the file it replaced is
let go at the first read after that (or after ten idle minutes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines.disclosure import CELL_KEY_SUFFIX, MASK, protect_frame
from pipelines.figure_catalog import (
    Figure,
    maturity_flags,
    protections,
    read_catalog,
    read_glossary,
)
from pipelines.report.figures import FLOW_KEYS
from pipelines.revisions import revised_figures
from pipelines.settings import load_settings

CACHE_TTL_SECONDS = 600
CATALOG = "published"  # the published file's name in the dashboard's connection
ALL_INSATSER = "Alla insatser"
ALL_UNITS = "Alla enheter"
WORKLIST_LIMIT = 2000
TRANSITION_MARTS = {"income": "income_transitions", "occupation": "occupation_transitions"}
FLOW_MARTS = {"unit": "marts.period_flows", "municipality": "marts.municipality_flows"}
OUTCOME_COUNTS = (
    "exits",
    "dropouts",
    "exits_excluding_dropouts",
    "goal_share_base",
    "goal_exits",
    "goal_exits_including_dropouts",
    "goal_exits_excluding_dropouts",
    "work_or_studies_exits",
)
SCB_COUNTS = ("both_sources", "only_case_system", "only_scb", "persons")
THROUGHPUT_MARTS = {
    "unit": "marts.throughput_times",
    "municipality": "marts.municipality_throughput_times",
}
EXIT_REASON_MARTS = {
    "unit": "marts.exits_by_reason",
    "municipality": "marts.municipality_exits_by_reason",
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


@st.cache_resource(max_entries=1, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _publication(path: str, mtime: float) -> duckdb.DuckDBPyConnection:
    """The publication's read-only connection: opening the file and reading its catalogue
    cost about 20 ms, more than most of the queries themselves.

    Attached to an in-memory database of its own, not opened by path: DuckDB hands a
    process the instance it already has open for a path, which after a publication is
    the replaced file.
    """
    con = duckdb.connect()
    quoted = path.replace("'", "''")
    con.execute(f"attach '{quoted}' as {CATALOG} (read_only)")
    return con


def _read(wh: Warehouse, reader):
    with _publication(wh.path, wh.mtime).cursor() as con:
        con.execute(f"use {CATALOG}")
        return reader(con)


def _query(wh: Warehouse, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    return _read(wh, lambda con: con.execute(sql, list(params)).df())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def figure_catalog(wh: Warehouse) -> dict[str, Figure]:
    """The published figure catalogue: labels, definitions and disclosure bases."""
    return _read(wh, read_catalog)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def glossary(wh: Warehouse) -> dict[str, str]:
    """The published glossary terms that are not figures."""
    return _read(wh, read_glossary)


def protected(wh: Warehouse, df: pd.DataFrame, mart: str) -> pd.DataFrame:
    """The mart's rows as a manager may see them (pipelines.disclosure, Cell Key Method):
    every person count perturbed by its cell key, and each figure on counts protected by
    the rule its catalogue entry names (a share on the perturbed counts, a mean on fewer
    persons than the threshold not shown)."""
    return protect_frame(df, protections(figure_catalog(wh), mart))


def counted(*columns: str) -> str:
    """Person count columns with the cell keys the disclosure module perturbs them by."""
    return ", ".join(f"{column}, {column}{CELL_KEY_SUFFIX}" for column in columns)


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
    """Every insats with flows ('Alla enheter'), its units and each unit's municipality."""
    return _query(
        wh,
        """
        select insats, unit, municipality_name from marts.units
        union
        select distinct insats, 'Alla enheter' as unit, null as municipality_name
        from marts.period_flows
        order by insats, unit
        """,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def periods(wh: Warehouse) -> pd.DataFrame:
    """Every period the flows cover, per period type, oldest first; is_partial when it ends
    after the latest extraction (its figures are preliminary)."""
    return _query(
        wh,
        """
        select distinct period_type, period_label, period_start, period_end, is_partial
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


def scope_filter(f: Filters) -> tuple[str, str, str]:
    """The mart family, group column and group that answer the filters.

    A chosen unit is a unit row; a municipality with all units is a municipality row
    (a person counted where their episode's units are); otherwise the insats as a whole.
    """
    if f.unit == ALL_UNITS and f.municipality is not None:
        return "municipality", "municipality_name", f.municipality
    return "unit", "unit", f.unit


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _flows(wh: Warehouse, f: Filters) -> pd.DataFrame:
    family, column, group = scope_filter(f)
    return _query(
        wh,
        f"""
        select period_label, period_start, period_end, {counted(*FLOW_KEYS)},
            average_enrolled
        from {FLOW_MARTS[family]}
        where insats = ? and {column} = ? and period_type = ?
        order by period_start
        """,
        [f.insats, group, f.period_type],
    )


def flows(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Flow figures per period of the chosen type up to the chosen period, masked."""
    return protected(wh, _up_to(_flows(wh, f), f.period_label), "period_flows")


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
    """Which outcomes row answers the filters: the mart breaks down by one dimension at a
    time within a unit, so it has one person group (a gender or an age band) of a unit, or a
    municipality, never both. When no row answers every filter, the row for the place
    (municipality, unit or insats) answers for everyone there, so all of a page's figures
    describe the same persons and the page says which person filters it leaves out."""
    people = (("gender", f.gender), ("age_band", f.age_band))
    chosen = [(key, value) for key, value in people if value is not None]
    in_municipality = f.municipality is not None and f.unit == ALL_UNITS
    if len(chosen) == 1 and not in_municipality:
        return chosen[0]
    if in_municipality:
        return "municipality_name", f.municipality
    return "total", None


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _outcomes(
    wh: Warehouse, insats: str, unit: str, period_type: str, dimension: str
) -> pd.DataFrame:
    return _query(
        wh,
        f"""
        select period_label, dimension_value, {counted(*OUTCOME_COUNTS)}, goal_share,
            goal_share_including_dropouts, goal_share_excluding_dropouts,
            work_or_studies_share, goal_definition
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
    return protected(wh, df.reset_index(drop=True), "outcomes")


def for_everyone(f: Filters) -> Filters:
    """The filters without the person filters: the place and period only."""
    return dataclasses.replace(f, gender=None, age_band=None)


TREND_TERTIALS = 6


def last_tertials(wh: Warehouse, f: Filters, count: int = TREND_TERTIALS) -> pd.DataFrame:
    """The `count` tertials ending by the end of the chosen period, oldest first."""
    rows = periods(wh)
    chosen = period_row(rows[rows["period_type"] == f.period_type], f.period_label)
    tertials = rows[rows["period_type"] == "tertial"]
    if not chosen.empty:
        tertials = tertials[tertials["period_end"] <= chosen["period_end"]]
    return tertials.tail(count).reset_index(drop=True)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def insats_trend(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Exits and goal shares per insats (each one, or the chosen) over the last six tertials,
    for the outcomes row that answers the filters (`outcome_selector`), masked."""
    dimension, value = outcome_selector(f)
    tertials = last_tertials(wh, f)
    df = _query(
        wh,
        f"""
        select insats, period_label, period_start, {counted(*OUTCOME_COUNTS)}, goal_share,
            work_or_studies_share
        from marts.outcomes
        where (case when ? = '{ALL_INSATSER}' then insats <> ? else insats = ? end)
            and unit = ? and period_type = 'tertial' and dimension = ?
            and (? is null or dimension_value = ?)
            and period_label in (select unnest(?::varchar[]))
        order by period_start, insats
        """,
        [
            f.insats,
            ALL_INSATSER,
            f.insats,
            f.unit,
            dimension,
            value,
            value,
            tertials["period_label"].tolist(),
        ],
    )
    return protected(wh, df, "outcomes")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def targets(wh: Warehouse) -> pd.DataFrame:
    """Every insats's numeric targets from the configuration (marts.insats_targets)."""
    return _query(
        wh, "select insats, figure_id, target from marts.insats_targets order by insats, 2"
    )


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
    return protected(wh, df, "outcomes")


def key_figures(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """The overview's figures for the chosen period and the one before, masked.

    Index: figure name (column name in its mart); columns `current` and `previous`.
    """
    labels = {"current": f.period_label, "previous": previous_period(wh, f)}
    sources = [
        (flows(wh, f), ["active_at_end", "enrolled", "exited", "dropouts", "queue_at_end"]),
        (outcome_trend(wh, f), ["goal_share"]),
        (throughput(wh, f), ["mean_months"]),
        (cost_per_participant(wh, f), ["cost_per_served"]),
    ]
    figures = {
        column: {key: period_row(df, label).get(column) for key, label in labels.items()}
        for df, columns in sources
        for column in columns
    }
    return pd.DataFrame.from_dict(figures, orient="index", columns=list(labels))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def revisions(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """The chosen closed tertial's figures a later delivery changed (reviderad), now and
    as first published, both protected (pipelines.revisions). Empty for other periods and
    for a municipality (the history is kept per insats and unit)."""
    columns = ["figure_id", "value", "first_published_value", "first_published_at"]
    rows = periods(wh)
    chosen = rows[(rows["period_type"] == "tertial") & (rows["period_label"] == f.period_label)]
    if f.period_type != "tertial" or chosen.empty or scope_filter(f)[0] != "unit":
        return pd.DataFrame(columns=columns)
    span = tuple(pd.Timestamp(chosen[c].iloc[0]).date() for c in ("period_start", "period_end"))
    catalog = figure_catalog(wh)
    found = _read(wh, lambda con: revised_figures(con, catalog, f.insats, f.unit, span))
    return pd.DataFrame(found, columns=columns)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def exits_by_reason(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Exits per reason in the chosen period, largest first, masked."""
    family, column, group = scope_filter(f)
    df = _query(
        wh,
        f"""
        select exit_reason, {counted("exits")}
        from {EXIT_REASON_MARTS[family]}
        where insats = ? and {column} = ? and period_type = ? and period_label = ?
        order by exits desc, exit_reason
        """,
        [f.insats, group, f.period_type, f.period_label],
    )
    return protected(wh, df, "exits_by_reason")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def throughput(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Genomströmningstid per period of the chosen type (the 12 months ending with each),
    oldest first up to the chosen period, masked on few exits; for a municipality the
    exits of the episodes there (marts.municipality_throughput_times)."""
    family, column, group = scope_filter(f)
    df = _query(
        wh,
        f"""
        select period_label, period_start, period_end, window_start, window_end,
            {counted("throughput_exits")}, mean_months, median_months
        from {THROUGHPUT_MARTS[family]}
        where insats = ? and {column} = ? and period_type = ?
        order by period_start
        """,
        [f.insats, group, f.period_type],
    )
    return protected(wh, _up_to(df, f.period_label), "throughput_times")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def survival_outcomes(wh: Warehouse, insats: str) -> list[str]:
    """The outcomes the time-to-outcome mart has for an insats: avslut, mål, arbete eller
    studier, then each exit reason."""
    df = _query(
        wh,
        "select distinct outcome from marts.time_to_outcome where insats = ? "
        "order by outcome like 'Avslutsorsak: %', outcome",
        [insats],
    )
    return df["outcome"].tolist()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def survival_dimensions(wh: Warehouse, insats: str, outcome: str) -> list[str]:
    """The groupings the time-to-outcome mart has for an insats and outcome."""
    df = _query(
        wh,
        "select distinct dimension from marts.time_to_outcome where insats = ? "
        "and outcome = ? order by 1",
        [insats, outcome],
    )
    return df["dimension"].tolist()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def survival(wh: Warehouse, insats: str, dimension: str, outcome: str) -> pd.DataFrame:
    """Time-to-outcome steps per group with the 95 % band, masked: a step is hidden once
    fewer than 5 are at risk."""
    df = _query(
        wh,
        f"""
        select dimension_value, day, month, {counted("at_risk", "events", "competing", "censored")},
            survival, cumulative_share, cumulative_share_lower, cumulative_share_upper
        from marts.time_to_outcome
        where insats = ? and dimension = ? and outcome = ?
        order by dimension_value, day
        """,
        [insats, dimension, outcome],
    )
    return protected(wh, df, "time_to_outcome")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def transitions(wh: Warehouse, f: Filters, kind: str) -> pd.DataFrame:
    """Persons per (before, after) pair for exits in the period: income or occupation."""
    mart = TRANSITION_MARTS[kind]
    df = _query(
        wh,
        f"""
        select before, after, {counted("persons")}
        from marts.{mart}
        where insats = ? and period_type = ? and period_label = ?
        order by before, after
        """,
        [f.insats, f.period_type, f.period_label],
    )
    return protected(wh, df, mart)


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
    """Budget, actual to date, forecast and forecast result per cost line on a month end,
    the total (Totalt) last; 'Alla insatser' is the mart's own row."""
    return _query(
        wh,
        """
        select cost_line, budget, actual_to_date, difference, full_year_forecast,
            forecast_result, forecast_date, has_budget_line
        from marts.budget_vs_forecast
        where insats = ? and as_of_date = ?
        order by cost_line = 'Totalt', cost_line
        """,
        [insats, as_of],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def burn(wh: Warehouse, insats: str, year: int) -> pd.DataFrame:
    """Actual cost to date at each month end of a year, against the year's budget (Totalt)."""
    return _query(
        wh,
        """
        select as_of_date, actual_to_date, budget, budget_at_even_pace, full_year_forecast
        from marts.budget_vs_forecast
        where insats = ? and year = ? and cost_line = 'Totalt'
        order by as_of_date
        """,
        [insats, year],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cost_per_participant(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Cost per served participant and per goal exit, per period of the chosen type, masked.

    Costs are booked per insats, so a unit or municipality has none (no rows): a page shows
    the insats's figure only for the insats as a whole, never under a unit's name.
    """
    whole_insats = f.unit == ALL_UNITS and f.municipality is None
    df = _query(
        wh,
        f"""
        select period_label, period_start, cost, {counted("served", "goal_exits")},
            cost_per_served, cost_per_goal
        from marts.cost_per_participant
        where insats = ? and period_type = ? and ?
        order by period_start
        """,
        [f.insats, f.period_type, whole_insats],
    )
    return protected(wh, _up_to(df, f.period_label), "cost_per_participant")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def funding(wh: Warehouse, insats: str, year: int) -> pd.DataFrame:
    """Each funding party's share and amount of the year's budget."""
    return _query(
        wh,
        """
        select party, share_percent, budget_amount
        from marts.funding_by_party
        where insats = ? and year = ?
        order by budget_amount desc
        """,
        [insats, year],
    )


def _worklist_scope() -> str:
    return (
        f"(? = '{ALL_INSATSER}' or insats = ?) "
        f"and (? = '{ALL_UNITS}' or unit is not distinct from ?) "
        "and (is_fixable or not ?)"
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def fixable_days(wh: Warehouse) -> int | None:
    """How long after its exit a case's findings still count as fixable (dbt var)."""
    [(days,)] = _query(wh, "select max(fixable_days) from quality.quality_case_status").values
    return None if pd.isna(days) else int(days)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def worklist_summary(wh: Warehouse, insats: str, unit: str, fixable_only: bool) -> pd.DataFrame:
    """Open findings (latest run) per unit, caseworker and field, the longest open first;
    `fixable_only`: those on active cases and cases closed within `fixable_days`.

    Read from the counts the quality step wrote (marts.steward_worklist_summary), so the
    overview stays fast however many findings there are; the cases themselves are read
    per caseworker by `worklist`.
    """
    return _query(
        wh,
        f"""
        select unit, caseworker, field, sum(findings)::bigint as findings,
            sum(findings_on_active_cases)::bigint as findings_on_active_cases,
            min(oldest_since_date) as oldest_since_date, max(max_days_open) as max_days_open
        from marts.steward_worklist_summary
        where {_worklist_scope()}
        group by unit, caseworker, field
        order by max_days_open desc nulls last, oldest_since_date nulls last,
            unit nulls last, caseworker nulls last, field nulls first
        """,
        [insats, insats, unit, unit, fixable_only],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def worklist(
    wh: Warehouse,
    insats: str,
    unit: str,
    caseworker: str | None,
    fixable_only: bool,
    limit: int = WORKLIST_LIMIT,
) -> pd.DataFrame:
    """One caseworker's open findings (latest run): priority 1, then oldest, at most `limit`.

    A missing caseworker (None) is a value of its own: such cases need fixing too.
    """
    return _query(
        wh,
        f"""
        select unit, caseworker, case_id, case_status, exit_date, field, problem, severity,
            since_date, days_open, insats, organisation, "check"
        from marts.steward_worklist
        where {_worklist_scope()} and caseworker is not distinct from ?
        order by priority, days_open desc nulls last, since_date nulls last, unit, case_id, field
        limit ?
        """,
        [insats, insats, unit, unit, fixable_only, caseworker, limit],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def deliveries(wh: Warehouse) -> pd.DataFrame:
    """Every delivered file and what became of it (marts.deliveries), the latest first."""
    return _query(
        wh,
        """
        select file_name, kind_label, organisation, extraction_date, status, reason,
            superseded_by_file, rows_read, rows_loaded, rows_rejected, fields_nulled, received_at
        from marts.deliveries
        order by received_at desc, file_name
        """,
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def check_results(wh: Warehouse) -> pd.DataFrame:
    """Verdicts of every check in the latest quality run, failures first, with the rows
    checked and failing (from the validation's details)."""
    return _query(
        wh,
        """
        select suite, expectation, severity, success, observed_value, threshold,
            try_cast(json_extract_string(details, '$.unexpected_count') as bigint)
                as failing_rows,
            try_cast(json_extract_string(details, '$.element_count') as bigint)
                as checked_rows
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
        select esf_project, {counted(*SCB_COUNTS)}
        from marts.scb_reconciliation_by_project
        where ? = 'Alla insatser' or insats = ?
        order by esf_project
        """,
        [insats, insats],
    )
    return protected(wh, df, "scb_reconciliation_by_project")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def reconciliation_in_period(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """The chosen period's reconciliation for the insats (or unit), and since the first
    delivery: persons in both sources, only the case system, or only SCB."""
    df = _query(
        wh,
        f"""
        select 'Under perioden' as scope, {counted(*SCB_COUNTS)}
        from marts.scb_reconciliation_periods
        where insats = ? and unit = ? and period_type = ? and period_label = ?
        union all
        select 'Sedan första leveransen', {counted(*SCB_COUNTS)}
        from marts.scb_reconciliation_by_unit
        where insats = ? and unit = ?
        """,
        [f.insats, f.unit, f.period_type, f.period_label, f.insats, f.unit],
    )
    return protected(wh, df, "scb_reconciliation_periods")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def stated_figures(wh: Warehouse, insats: str) -> pd.DataFrame:
    """Figures an insats published by hand against the computed ones, differences first."""
    return _query(
        wh,
        """
        select insats, coalesce(unit, 'Hela insatsen') as unit, figure, stated_value,
            computed_value, difference as stated_difference, is_consistent
        from marts.stated_figure_checks
        where ? = 'Alla insatser' or insats = ?
        order by is_consistent, insats, figure
        """,
        [insats, insats],
    )


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def reach(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Participants per 1 000 inhabitants aged 16-64 per municipality and year for the
    chosen insats (or all), masked."""
    df = _query(
        wh,
        f"""
        select municipality_name, year, {counted("participants")}, population_16_64, per_1000
        from marts.reach
        where insats = ? and (? is null or municipality_name = ?)
        order by year desc, municipality_name
        """,
        [f.insats, f.municipality, f.municipality],
    )
    return protected(wh, df, "reach")


ALL_GROUPS = "Alla"  # dimension_value of the follow-up marts' dimension 'all'
PAYMENT_MEASURES = ("before", "after", "change")


@dataclass(frozen=True)
class FollowUpMart:
    """What the dashboard reads of one follow-up mart: its person counts and its other
    columns (the grain first). The maturity flags its figures wait for are the
    catalogue's (`maturity_flags`)."""

    counts: tuple[str, ...]
    columns: tuple[str, ...]
    order: str


PAYMENT_KRONOR = tuple(
    f"{measure}_{kind}" for kind in ("per_participant", "total") for measure in PAYMENT_MEASURES
)
FOLLOW_UP_MARTS = {
    "follow_up_status": FollowUpMart(
        counts=("exits", "cohort", "covered", "self_supporting"),
        columns=("months_after", "self_supporting_share"),
        order="months_after",
    ),
    "follow_up_status_by_source": FollowUpMart(
        counts=("persons", "cohort"),
        columns=("months_after", "income_source", "extent"),
        order="months_after, persons desc, income_source, extent desc",
    ),
    "follow_up_returns": FollowUpMart(
        counts=("base", "within_6", "months_7_12", "months_13_24"),
        columns=(),
        order="1",
    ),
    "follow_up_payments": FollowUpMart(
        counts=("participants",),
        columns=("party as paying_party", *PAYMENT_KRONOR),
        order="party <> 'Alla parter', party",
    ),
    "follow_up_benefit_extent": FollowUpMart(
        counts=("base", "covered", "ended", "lowered", "unchanged"),
        columns=("months_after",),
        order="months_after",
    ),
}


def follow_up_selector(f: Filters) -> tuple[str, str]:
    """Which breakdown answers the filters in the follow-up marts: they break down by one
    dimension at a time (unit among them) and have no municipality."""
    if f.gender is not None:
        return "gender", f.gender
    if f.age_band is not None:
        return "age_band", f.age_band
    if f.unit != ALL_UNITS:
        return "unit", f.unit
    return "all", ALL_GROUPS


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _follow_up(
    wh: Warehouse, mart: str, insats: str, period_type: str, dimension: str
) -> pd.DataFrame:
    spec = FOLLOW_UP_MARTS[mart]
    flags = maturity_flags(figure_catalog(wh), mart)
    columns = ", ".join([*spec.columns, counted(*spec.counts), *flags])
    return _query(
        wh,
        f"""
        select period_label, period_start, dimension_value, {columns}
        from marts.{mart}
        where insats = ? and period_type = ? and dimension = ?
        order by period_start, dimension_value, {spec.order}
        """,
        [insats, period_type, dimension],
    )


def follow_up_cohorts(wh: Warehouse, f: Filters) -> list[str]:
    """The exit cohorts of the chosen period type up to the chosen one, oldest first."""
    df = _follow_up(wh, "follow_up_status", f.insats, f.period_type, "all")
    return _up_to(df.drop_duplicates("period_label"), f.period_label)["period_label"].tolist()


def follow_up(
    wh: Warehouse,
    f: Filters,
    mart: str,
    cohorts: Sequence[str] | None = None,
    dimension: str | None = None,
) -> pd.DataFrame:
    """A follow-up mart's rows for the exit cohorts (default: the chosen period), for the
    filters' group (`follow_up_selector`) or, given a dimension, every group of it; masked,
    every figure of a cohort not yet mature for it written IMMATURE (never a number) and
    none for a cohort published as 0 (pipelines.disclosure, by the catalogue)."""
    chosen, value = (dimension, None) if dimension else follow_up_selector(f)
    df = _follow_up(wh, mart, f.insats, f.period_type, chosen)
    keep = df["period_label"].isin(list(cohorts) if cohorts is not None else [f.period_label])
    if value is not None:
        keep &= df["dimension_value"] == value
    return protected(wh, df[keep].reset_index(drop=True), mart)


def follow_up_sources(wh: Warehouse, f: Filters) -> pd.DataFrame:
    """Persons by income source in month 6, 12 and 24 for the chosen cohort, of the chosen
    unit or the whole insats (follow_up_status_by_source breaks down by unit only)."""
    dimension, value = ("unit", f.unit) if f.unit != ALL_UNITS else ("all", ALL_GROUPS)
    df = follow_up(wh, f, "follow_up_status_by_source", dimension=dimension)
    return df[df["dimension_value"] == value].reset_index(drop=True)
