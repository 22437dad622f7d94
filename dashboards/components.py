"""Building blocks every page draws with: Swedish labels, number formats, tables, charts."""

from __future__ import annotations

import functools
import numbers
import re
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
import yaml

from dashboards import data
from dashboards.data import MASK, numeric
from pipelines.disclosure import IMMATURE
from pipelines.figure_catalog import Figure, column_labels
from pipelines.spreadsheet_safety import csv_bytes

LABELS_FILE = Path(__file__).with_name("labels.yml")
COUNT_FORMAT = ",.0f"
SWEDISH_NUMBERS = {
    "decimal": ",",
    "thousands": "\u202f",
    "grouping": [3],
    "currency": ["", " kr"],
}
NOTHING_TO_DRAW = "Inget att rita: alla värden saknas eller gäller färre än 5 personer."
UNIT_FORMATS = {  # figure catalogue unit -> how `fmt` writes it
    "antal": "count",
    "andel": "share",
    "månader": "months",
    "kronor": "kr",
    "medeltal": "decimal",
    "procent": "decimal",
    "per_1000": "decimal",
}


@functools.cache
def labels() -> dict[str, Any]:
    """The Swedish texts of labels.yml."""
    return yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))


def catalog() -> dict[str, Figure]:
    """The published figure catalogue (empty before the first publication)."""
    wh = data.locate()
    return data.figure_catalog(wh) if wh else {}


def figure_label(figure_id: str) -> str:
    """A figure's Swedish label, as every view shows it."""
    return catalog()[figure_id].label


def figure_format(figure_id: str) -> str:
    """How `fmt` writes the figure, from its unit in the catalogue."""
    return UNIT_FORMATS[catalog()[figure_id].unit]


def figure_definitions(*figure_ids: str) -> str:
    """The catalogue's definitions of the figures, as one text for `definition`."""
    figures = catalog()
    return " ".join(f"{figures[i].label}: {figures[i].definition}" for i in figure_ids)


def column_names(mart: str | None = None) -> dict[str, str]:
    """Swedish column headings: figures from the catalogue, other columns from labels.yml.

    Given a mart, its own figures name their columns (a `base` or `covered` column means
    different persons in different marts).
    """
    figures = catalog()
    own = {key: figure for key, figure in figures.items() if figure.mart == mart}
    return {**labels()["columns"], **column_labels(figures), **column_labels(own)}


def label(group: str, key: str | None) -> str:
    """Swedish name of a code, or the code itself when it has none (e.g. a unit name)."""
    if key is None:
        return ""
    return str(labels()[group].get(key, key))


def fmt(value: object, kind: str = "count") -> str:
    """A figure the Swedish way: narrow space between thousands, decimal comma, text kept."""
    if (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and pd.isna(value))
    ):
        return "–"
    if isinstance(value, str):  # "<5", or text already written for people
        return value
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]
    number = float(value)  # type: ignore[arg-type]
    text = {
        "count": f"{number:,.0f}",
        "share": f"{number * 100:,.0f} %",
        "months": f"{number:,.1f} mån",
        "kr": f"{number:,.0f} kr",
        "decimal": f"{number:,.1f}",
    }[kind]
    return text.replace(",", "\u202f").replace(".", ",")


def metric(
    title: str, current: object, previous: object, kind: str, lower_is_better: bool = False
) -> None:
    """A key figure with its change since the previous period (none when either is masked);
    no change is grey, with no arrow: only a change is better or worse."""
    delta, color = None, "inverse" if lower_is_better else "normal"
    if _is_number(current) and _is_number(previous):
        change = float(current) - float(previous)  # type: ignore[arg-type]
        sign = "±" if change == 0 else "+" if change > 0 else "-"
        delta = (
            f"{sign}{abs(change) * 100:.0f} procentenheter".replace(".", ",")
            if kind == "share"
            else sign + fmt(abs(change), kind)
        )
        color = "off" if change == 0 else color
    st.metric(
        title,
        fmt(current, kind),
        delta,
        delta_color=color,
        delta_arrow="off" if color == "off" else "auto",
        border=True,
    )


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not pd.isna(value)


def table(
    df: pd.DataFrame, name: str, formats: dict[str, str] | None = None, mart: str | None = None
) -> None:
    """Show a table with Swedish headings (the mart's own figure labels first), and offer
    it as CSV (same content, raw numbers)."""
    shown = df.copy()
    kinds = {
        column: _default_kind(df[column])
        for column in df
        if df[column].isin([MASK, IMMATURE]).any()
    }
    for column, kind in (kinds | (formats or {})).items():
        shown[column] = shown[column].map(lambda v, k=kind: fmt(v, k))
    shown = shown.rename(columns=column_names(mart))
    period = column_names(mart)["period_label"]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={period: st.column_config.TextColumn(width="medium")},  # never cut
    )
    st.download_button(
        "Ladda ner tabellen (CSV)",
        csv_download(df, mart),
        file_name=f"{slug(name)}.csv",
        mime="text/csv",
        key=f"download-{slug(name)}",
        on_click="ignore",
        icon=":material/download:",
    )


def latest_first(df: pd.DataFrame) -> pd.DataFrame:
    """A per-period frame (oldest first, as charts draw it) with the latest period first,
    as managers read a table; rows of one period keep their order."""
    order = pd.to_datetime(df["period_start"]).rank(method="dense", ascending=False)
    return df.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")


def csv_download(df: pd.DataFrame, mart: str | None = None) -> bytes:
    """The CSV a table offers: Swedish headings, raw numbers, no text Excel would run."""
    return csv_bytes(df.rename(columns=column_names(mart)), ",")


def _default_kind(masked: pd.Series) -> str:
    """How to write a masked column's visible numbers: whole counts, or one decimal."""
    values = numeric(masked).dropna()
    return "count" if (values == values.round()).all() else "decimal"


def slug(text: str) -> str:
    """A file-name-safe form of a table name."""
    return re.sub(r"[^a-z0-9åäö]+", "-", text.lower()).strip("-")


def definition(text: str) -> None:
    """State which definition a figure uses, right under it."""
    st.caption(f"**Definition:** {text}")


def long_form(
    df: pd.DataFrame, x: str, columns: list[str], mart: str | None = None
) -> pd.DataFrame:
    """Masked wide columns as (x, series, value) rows for altair; masked cells left out."""
    return _long_with_gaps(df, x, columns, mart).dropna(subset=["Värde"])


def _long_with_gaps(
    df: pd.DataFrame, x: str, columns: list[str], mart: str | None = None
) -> pd.DataFrame:
    names = column_names(mart)
    return pd.DataFrame(
        {
            x: pd.concat([df[x]] * len(columns), ignore_index=True),
            "Serie": [names.get(c, c) for c in columns for _ in range(len(df))],
            "Värde": pd.concat([numeric(df[c]) for c in columns], ignore_index=True),
        }
    )


def runs(long: pd.DataFrame, series: str = "Serie") -> pd.DataFrame:
    """Rows with a value, each numbered by its unbroken run within its series: a line drawn
    per run (altair `detail`) stops at an unknown (masked) value instead of joining across
    it, and never shows it as zero."""
    gap = long["Värde"].isna()
    numbered = long.assign(Sträcka=gap.groupby(long[series]).cumsum())
    return numbered[~gap]


def line_chart(
    df: pd.DataFrame,
    x: str,
    columns: list[str],
    y_title: str,
    heading: str,
    about: str,
    y_format: str = COUNT_FORMAT,
) -> None:
    """Series over periods, one line each, with the period labels in order; a masked value
    is a gap in its line."""
    data = runs(_long_with_gaps(df, x, columns))
    if data.empty:
        st.caption(NOTHING_TO_DRAW)
        return
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=_time_axis(df, x),
            y=alt.Y("Värde:Q", title=y_title, axis=alt.Axis(format=y_format)),
            color=alt.Color(
                "Serie:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0)
            ),
            detail="Sträcka:N",
            tooltip=[x, "Serie", alt.Tooltip("Värde:Q", format=y_format)],
        )
    )
    show_chart(chart, heading, about)


def _time_axis(df: pd.DataFrame, x: str) -> alt.X:
    """Dates on a time scale; period labels as categories, in the frame's order, never cut."""
    if pd.api.types.is_datetime64_any_dtype(df[x]):
        return alt.X(f"{x}:T", title=None, axis=alt.Axis(format="%Y-%m"))
    return alt.X(
        f"{x}:N",
        sort=df[x].astype(str).tolist(),
        title=None,
        axis=alt.Axis(labelLimit=0, labelAngle=-45, labelOverlap="greedy"),
    )


def show_chart(chart: alt.TopLevelMixin, heading: str, about: str) -> None:
    """Draw a chart with its Swedish title and description (shown under the title, and read
    out by screen readers), in Swedish number formats (decimal comma, space between
    thousands)."""
    described = chart.properties(
        title=alt.Title(heading, subtitle=about, anchor="start", subtitleFontSize=12),
        description=f"{heading}. {about}",
    )
    st.altair_chart(described.configure(locale={"number": SWEDISH_NUMBERS}), width="stretch")


def bar_chart(
    df: pd.DataFrame,
    category: str,
    value: str,
    title: str,
    heading: str,
    about: str,
    value_format: str = COUNT_FORMAT,
) -> None:
    """Horizontal bars, largest first: easier to read than a table of a few groups."""
    data = pd.DataFrame({"Grupp": df[category].astype(str), "Värde": numeric(df[value])})
    data = data.dropna()
    if data.empty:
        st.caption(NOTHING_TO_DRAW)
        return
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Grupp:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            x=alt.X(
                "Värde:Q",
                title=title,
                axis=alt.Axis(
                    format=value_format,
                    tickCount=6,
                    tickMinStep=1 if value_format == COUNT_FORMAT else 0.01,
                ),
            ),
            tooltip=["Grupp", alt.Tooltip("Värde:Q", format=value_format)],
        )
    )
    show_chart(chart, heading, about)


def bars(
    long: pd.DataFrame,
    category: str,
    title: str,
    heading: str,
    about: str,
    value_format: str = COUNT_FORMAT,
    stacked: bool = False,
    nothing: str = NOTHING_TO_DRAW,
) -> None:
    """Horizontal bars of (category, Serie, Värde) rows as `long_form` gives them: the
    series stacked (parts of a whole) or side by side (to compare), in the rows' order."""
    if long.empty:
        st.caption(nothing)
        return
    categories = long[category].astype(str)
    data = long.assign(**{category: categories})
    order = data["Serie"].unique().tolist()
    series = alt.Color(
        "Serie:N", title=None, sort=order, legend=alt.Legend(orient="bottom", labelLimit=0)
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                f"{category}:N",
                sort=categories.unique().tolist(),
                title=None,
                axis=alt.Axis(labelLimit=0),
            ),
            x=alt.X(
                "Värde:Q",
                title=title,
                stack="zero" if stacked else None,
                axis=alt.Axis(format=value_format, tickCount=8),
            ),
            color=series,
            tooltip=[category, "Serie", alt.Tooltip("Värde:Q", format=value_format)],
            **({} if stacked else {"yOffset": alt.YOffset("Serie:N", sort=order)}),
        )
    )
    show_chart(chart, heading, about)


def number_ranges(numbers: list[int]) -> str:
    """Whole numbers the way people write them: 1–3, 6, 9–24."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)
