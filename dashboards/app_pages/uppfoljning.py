"""Uppföljning: did it last? What the exits of a period lived on in the months after.

Every figure is a row of the follow-up marts for an exit cohort (the exits of a period of
the chosen type), protected by `dashboards.data.follow_up` (pipelines.disclosure), which
writes the months the extracts do not yet cover for the whole cohort "ej mogen kohort":
such a month is never drawn.
"""

import functools

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import (
    bars,
    definition,
    figure_definitions,
    figure_label,
    label,
    labels,
    latest_first,
    long_form,
    metric,
    number_ranges,
    show_chart,
    table,
)
from dashboards.frame import applied_filters, current, not_applied
from pipelines.disclosure import IMMATURE

CURVE_COHORTS = 6  # the curves first show the chosen cohort and the ones before it
MONTHS = (6, 12, 24)
BREAKDOWNS = ["unit", "gender", "age_band", "income_source_at_enrolment", "exit_reason"]
RETURN_BANDS = {  # column -> figure
    "within_6": "returns_within_6",
    "months_7_12": "returns_7_12",
    "months_13_24": "returns_13_24",
}
EXTENT_OUTCOMES = {
    "ended": "extent_ended",
    "lowered": "extent_lowered",
    "unchanged": "extent_unchanged",
}
FORMATS = {  # how the tables write the figures that are not person counts
    "self_supporting_share": "share",
    "extent": "count",
    **dict.fromkeys(data.PAYMENT_KRONOR, "kr"),
}
GRAIN = ["period_start", "dimension_value"]
NOTHING_MATURE = "Inget att rita: kohorten är ännu inte mogen, eller gäller färre än 5 personer."
cohort_bars = functools.partial(bars, nothing=NOTHING_MATURE)


def honoured(dimension: str) -> set[str]:
    """The filters the follow-up row of `follow_up_selector` follows: its own, and the
    municipality when a unit (which lies in it) is the row."""
    if dimension == "unit":
        return {"municipality"}
    return {dimension} & {"gender", "age_band"}


def say_not_mature(items: list[str]) -> None:
    """Name the cohorts (and months) a view shows no number for yet."""
    if items:
        st.caption(
            f"**{IMMATURE.capitalize()}** (registren täcker ännu inte månaden för alla i "
            f"kohorten, så ingen siffra visas): {'; '.join(items)}."
        )


def not_mature_months(df: pd.DataFrame, column: str) -> list[str]:
    """'2024 T2 månad 3–24' for each cohort with months not yet mature for `column`."""
    hidden = df[df[column] == IMMATURE]
    return [
        f"{cohort} månad {number_ranges(rows['months_after'].tolist())}"
        for cohort, rows in hidden.groupby("period_label", sort=False)
    ]


def cohort_table(df: pd.DataFrame, name: str, mart: str) -> None:
    """A follow-up frame as a table: counts whole (– where a cohort is empty), shares in
    per cent, kronor in kr, with the mart's own figure labels."""
    formats = dict.fromkeys(data.FOLLOW_UP_MARTS[mart].counts, "count") | FORMATS
    table(df, name, {column: kind for column, kind in formats.items() if column in df}, mart)


def group_names(df: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Genders by their Swedish names; other groups are named in the marts."""
    if dimension != "gender":
        return df
    return df.assign(dimension_value=df["dimension_value"].map(lambda g: label("genders", g)))


def key_figures(status: pd.DataFrame, previous: str | None) -> None:
    """Exits, followed-up and the share self-supporting at 6, 12 and 24 months, against
    the cohort before."""
    this = status[status["period_label"] == f.period_label]
    last = status[status["period_label"] == previous]

    def at(rows: pd.DataFrame, column: str, months: int | None = None) -> object:
        if months is not None:
            rows = rows[rows["months_after"] == months]
        return rows[column].iloc[0] if not rows.empty else None

    rows = [
        [("follow_up_exits", "exits", None), ("follow_up_cohort", "cohort", None)],
        [("self_supporting_share", "self_supporting_share", months) for months in MONTHS],
    ]
    for row in rows:
        for column, (figure, key, months) in zip(st.columns(3)[: len(row)], row, strict=True):
            title = figure_label(figure) + (f", månad {months}" if months else "")
            with column:
                kind = "share" if months else "count"
                metric(title, at(this, key, months), at(last, key, months), kind)
    st.caption(f"Jämfört med kohorten före: {previous or '– (ingen tidigare period)'}.")
    if at(this, "self_supporting_share", max(MONTHS)) == IMMATURE:
        st.info(
            f"Kohorten {f.period_label} är ännu inte mogen för alla månader: registren täcker "
            "inte tiden efter avslutet för alla i den än. Välj en tidigare period i "
            "sidopanelen för att se hur det gick på längre sikt.",
            icon=":material/hourglass_empty:",
        )
    definition(figure_definitions("follow_up_exits", "follow_up_cohort", "self_supporting_share"))


def curve_chart(curves: pd.DataFrame, cohorts: list[str]) -> None:
    """One line per cohort over the months after exit; a line runs only between mature
    months, so a month not yet mature is a gap, never a low point."""
    points = curves[["period_label", "months_after"]].assign(
        Andel=data.numeric(curves["self_supporting_share"])
    )
    points["run"] = points["Andel"].isna().groupby(points["period_label"]).cumsum()
    points = points.dropna(subset=["Andel"])
    if points.empty:
        st.caption("Inget att rita: ingen av de valda kohorterna är mogen för någon månad ännu.")
        return
    chart = (
        alt.Chart(points)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "months_after:Q",
                title="Månad efter avslutsmånaden",
                scale=alt.Scale(domain=[1, max(MONTHS)]),
                axis=alt.Axis(values=list(range(1, max(MONTHS) + 1))),
            ),
            y=alt.Y(
                "Andel:Q", title=figure_label("self_supporting_share"), axis=alt.Axis(format="%")
            ),
            color=alt.Color(
                "period_label:N", title="Kohort", sort=cohorts, legend=alt.Legend(orient="bottom")
            ),
            detail="run:N",
            strokeWidth=alt.condition(
                alt.datum.period_label == f.period_label, alt.value(3.5), alt.value(1.5)
            ),
            tooltip=[
                alt.Tooltip("period_label:N", title="Kohort"),
                alt.Tooltip("months_after:Q", title="Månad"),
                alt.Tooltip("Andel:Q", format=".0%"),
            ],
        )
    )
    show_chart(
        chart,
        "Andel självförsörjande per månad efter avslut, per kohort",
        "Andel av kohorten utan offentlig försörjning varje månad efter avslutsmånaden.",
    )


def curves_section(cohorts: list[str], dimension: str) -> list[str]:
    """The cohort curves; returns the cohorts chosen for them."""
    st.subheader("Självförsörjande månad för månad efter avslut")
    chosen = st.multiselect(
        "Kohorter (avslut under perioden)",
        cohorts,
        default=cohorts[-CURVE_COHORTS:],
        key=f"follow_up_cohorts_{f.period_type}_{f.period_label}",
    )
    curves = data.follow_up(frame.wh, f, "follow_up_status", chosen)
    if dimension != "all":
        st.caption("För en grupp finns andelen för månad 6, 12 och 24 efter avslut.")
    curve_chart(curves, chosen)
    say_not_mature(not_mature_months(curves, "self_supporting_share"))
    cohort_table(
        latest_first(curves).drop(columns=GRAIN),
        f"självförsörjande per månad {f.period_type} {f.period_label}",
        "follow_up_status",
    )
    definition(figure_definitions("self_supporting", "follow_up_covered", "self_supporting_share"))
    return chosen


def sources_section() -> None:
    """What the chosen cohort lived on in month 6, 12 and 24 (the unit or the insats)."""
    st.subheader(f"Försörjning 6, 12 och 24 månader efter avslut, kohort {f.period_label}")
    not_applied(f, set(), "försörjningskällorna")
    sources = data.follow_up_sources(frame.wh, f)
    source = [
        f"{name} {extent} %" if pd.notna(extent) else name
        for name, extent in zip(sources["income_source"], sources["extent"], strict=True)
    ]
    long = pd.DataFrame(
        {
            "Månad": [f"Månad {k}" for k in sources["months_after"]],
            "Serie": source,
            "Värde": data.numeric(sources["persons"]),
        }
    ).dropna()
    cohort_bars(
        long,
        "Månad",
        "Personer",
        f"Försörjningskälla efter avslut, kohort {f.period_label}",
        "Personer per försörjningskälla och omfattning månad 6, 12 och 24 efter avslut.",
        stacked=True,
    )
    mature = set(sources.loc[sources["persons"] != IMMATURE, "months_after"])
    if immature := sorted(set(MONTHS) - mature):
        say_not_mature([f"{f.period_label} månad {number_ranges(immature)}"])
    if not sources.empty:
        cohort_table(
            sources.drop(columns=["period_label", *GRAIN]),
            f"försörjningskälla efter avslut {f.period_label}",
            "follow_up_status_by_source",
        )
    definition(figure_definitions("follow_up_source_persons"))


def immature_bands(row: dict) -> str:
    """The return bands a cohort is not yet mature for, by their labels."""
    return ", ".join(
        figure_label(figure) for band, figure in RETURN_BANDS.items() if row[band] == IMMATURE
    )


def returns_section(cohorts: list[str]) -> None:
    """Returns to public support after exits to work or studies, for the curves' cohorts."""
    st.subheader("Återgång till offentlig försörjning efter avslut till arbete eller studier")
    mart = "follow_up_returns"
    returns = data.follow_up(frame.wh, f, mart, cohorts)
    cohort_bars(
        long_form(returns, "period_label", ["base", *RETURN_BANDS], mart),
        "period_label",
        "Personer",
        "Återgång till offentlig försörjning",
        "Personer som gick till arbete eller studier, och som fick offentlig försörjning "
        "igen inom 6, 7–12 och 13–24 månader, per kohort.",
    )
    bands = {row["period_label"]: immature_bands(row) for row in returns.to_dict("records")}
    say_not_mature([f"{cohort} ({bands})" for cohort, bands in bands.items() if bands])
    cohort_table(
        latest_first(returns).drop(columns=GRAIN),
        f"återgång {f.period_type} {f.period_label}",
        mart,
    )
    definition(figure_definitions("return_base", *RETURN_BANDS.values()))


def payments_section() -> None:
    """Public payments per paying party, 12 months before enrolment and after exit."""
    st.subheader(
        "Offentliga utbetalningar 12 månader före inskrivning och 12 månader efter avslut, "
        f"kohort {f.period_label}"
    )
    mart = "follow_up_payments"
    payments = data.follow_up(frame.wh, f, mart)
    columns = ["before_per_participant", "after_per_participant"]
    cohort_bars(
        long_form(payments, "paying_party", columns, mart),
        "paying_party",
        "Kronor per deltagare",
        f"Offentliga utbetalningar före och efter, kohort {f.period_label}",
        "Kronor per deltagare och utbetalare, 12 månader före inskrivning och 12 månader "
        "efter avslut.",
        ",.0f",
    )
    if (payments[list(data.PAYMENT_KRONOR)] == IMMATURE).any(axis=None):
        say_not_mature([f"{f.period_label} (månad 1–12 efter avslut)"])
    cohort_table(
        payments.drop(columns=["period_label", *GRAIN]),
        f"utbetalningar före och efter {f.period_label}",
        mart,
    )
    definition(
        figure_definitions(
            "payment_participants",
            "payments_before_per_participant",
            "payments_after_per_participant",
            "payments_change_per_participant",
            "payments_change_total",
        )
    )


def extent_section() -> None:
    """Benefit extent lowered or ended by month 6 and 12, for those on such a benefit."""
    st.subheader(f"Ersättningens omfattning 6 och 12 månader efter avslut, kohort {f.period_label}")
    mart = "follow_up_benefit_extent"
    extent = data.follow_up(frame.wh, f, mart)
    months = extent.assign(Månad=[f"Månad {k}" for k in extent["months_after"]])
    cohort_bars(
        long_form(months, "Månad", list(EXTENT_OUTCOMES), mart),
        "Månad",
        "Personer",
        f"Ersättningens omfattning efter avslut, kohort {f.period_label}",
        "Personer vars ersättning upphört, sänkts eller är oförändrad månad 6 och 12 efter avslut.",
        stacked=True,
    )
    say_not_mature(not_mature_months(extent, "ended"))
    cohort_table(
        extent.drop(columns=["period_label", *GRAIN]),
        f"omfattning efter avslut {f.period_label}",
        mart,
    )
    definition(figure_definitions("extent_base", "extent_covered", *EXTENT_OUTCOMES.values()))


BREAKDOWN_VIEWS = {  # mart -> title
    "follow_up_status": "Självförsörjande 6, 12 och 24 månader efter avslut",
    "follow_up_returns": "Återgång till offentlig försörjning",
    "follow_up_payments": "Offentliga utbetalningar före och efter, alla parter",
    "follow_up_benefit_extent": "Ersättningens omfattning efter avslut",
}


def breakdown_section(dimension: str) -> None:
    """Every figure of the chosen cohort per group of one breakdown."""
    st.subheader(f"Uppdelat på grupper, kohort {f.period_label}")
    not_applied(f, set(), "uppdelningarna", unit_applies=False)
    by = st.selectbox(
        "Uppdelat på",
        BREAKDOWNS,
        index=BREAKDOWNS.index(dimension) if dimension in BREAKDOWNS else 0,
        format_func=lambda d: labels()["dimensions"][d],
        key="follow_up_dimension",
    )
    for mart, title in BREAKDOWN_VIEWS.items():
        groups = group_names(data.follow_up(frame.wh, f, mart, dimension=by), by)
        if mart == "follow_up_payments":
            groups = groups[groups["paying_party"] == "Alla parter"].drop(columns="paying_party")
        st.markdown(f"**{title}**")
        if mart == "follow_up_status":
            shares = pd.DataFrame(
                {
                    "dimension_value": groups["dimension_value"],
                    "Serie": [f"Månad {k}" for k in groups["months_after"]],
                    "Värde": data.numeric(groups["self_supporting_share"]),
                }
            )
            cohort_bars(
                shares.dropna(),
                "dimension_value",
                figure_label("self_supporting_share"),
                f"{title} per {labels()['dimensions'][by].lower()}",
                "Andel självförsörjande i varje grupp månad 6, 12 och 24 efter avslut.",
                ".0%",
            )
        cohort_table(
            groups.drop(columns=["period_label", "period_start"]), f"{title} per {by}", mart
        )
    definition(
        "Varje grupp är sin egen kohort: de i gruppen som avslutades under perioden. "
        "Definitionerna är desamma som ovan."
    )


frame = current()
f = frame.filters
dimension, group = data.follow_up_selector(f)
st.title("Uppföljning")
st.markdown("**Höll det? Vad levde deltagarna på månaderna efter avslutet?**")
applied_filters(f, honoured(dimension), "uppföljningen", unit_applies=dimension in ("unit", "all"))
if dimension != "all":
    st.caption(
        f"Uppföljningen visar gruppen {label('genders', group)} "
        f"({labels()['dimensions'][dimension].lower()})."
    )
st.caption(
    "En kohort är de som avslutades under perioden. Bara deltagare som samtyckt till "
    "uppföljning följs upp, månad för månad i de utbetalande myndigheternas register."
)
previous = data.previous_period(frame.wh, f)
status = data.follow_up(frame.wh, f, "follow_up_status", [f.period_label, previous])
if status[status["period_label"] == f.period_label].empty:
    st.info("Inga avslut under vald period för urvalet.")
    st.stop()
key_figures(status, previous)
cohorts = curves_section(data.follow_up_cohorts(frame.wh, f), dimension)
sources_section()
returns_section(cohorts)
payments_section()
extent_section()
breakdown_section(dimension)
