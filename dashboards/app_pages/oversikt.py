"""Översikt: how did the chosen period go, against the one before, and against the targets?"""

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import (
    definition,
    figure_definitions,
    figure_format,
    figure_label,
    fmt,
    label,
    latest_first,
    metric,
    show_chart,
    table,
)
from dashboards.frame import (
    LOCAL_TIME,
    applied_filters,
    current,
    honoured_person_filters,
    not_applied,
)

FIGURES = [  # figure id (catalogue), lower is better
    ("active_at_end", False),
    ("enrolled", False),
    ("exited", False),
    ("queue_at_end", True),
    ("dropouts", True),
    ("goal_share", False),
    ("mean_months", True),
    ("cost_per_served", True),
]
GROUP_FIGURES = [("exits", False), ("goal_share", False), ("work_or_studies_share", False)]
TREND_FIGURES = ["work_or_studies_share", "goal_share"]  # the figures targets are set for
SHARE = ".0%"


def key_figures() -> None:
    """The panel: every figure for the chosen place and period (everyone in it)."""
    everyone = data.for_everyone(f)
    figures = data.key_figures(frame.wh, everyone)
    previous = data.previous_period(frame.wh, f)
    st.caption(f"Period {f.period_label} jämförs med {previous or '– (ingen tidigare period)'}.")
    if f.unit != data.ALL_UNITS or f.municipality is not None:
        st.info(
            f"{figure_label('cost_per_served')} visas bara för en hel insats: kostnaderna "
            "bokförs per insats, inte per enhet eller kommun.",
            icon=":material/info:",
        )
    for row in (FIGURES[:4], FIGURES[4:]):
        for column, (key, lower_is_better) in zip(st.columns(4), row, strict=True):
            with column:
                values = figures.loc[key]
                metric(
                    figure_label(key),
                    values["current"],
                    values["previous"],
                    figure_format(key),
                    lower_is_better,
                )
    revised_figures(data.revisions(frame.wh, everyone))
    trend = data.outcome_trend(frame.wh, everyone)
    against_targets(data.period_row(trend, f.period_label))
    goal_definition = trend["goal_definition"].dropna()
    definition(
        figure_definitions(*(key for key, _ in FIGURES))
        + (f" Måldefinition: {goal_definition.iloc[-1]}" if not goal_definition.empty else "")
    )
    st.subheader("Nyckeltal i tabellform")
    rows = pd.DataFrame(
        {
            "Nyckeltal": [figure_label(key) for key, _ in FIGURES],
            f"{label('period_types', f.period_type)} {f.period_label}": [
                fmt(figures.loc[key, "current"], figure_format(key)) for key, _ in FIGURES
            ],
            f"Föregående ({previous or '–'})": [
                fmt(figures.loc[key, "previous"], figure_format(key)) for key, _ in FIGURES
            ],
        }
    )
    table(rows, f"nyckeltal {f.period_label}")


def revised_figures(revised: pd.DataFrame) -> None:
    """Reviderad: the closed tertial's figures a later delivery changed, with the value the
    tertial was first published with."""
    if revised.empty:
        return
    first = pd.Timestamp(revised["first_published_at"].min()).tz_convert(LOCAL_TIME)
    changes = "; ".join(
        f"{figure_label(fid)} {fmt(now, figure_format(fid))} "
        f"(tidigare {fmt(before, figure_format(fid))})"
        for fid, now, before in revised[["figure_id", "value", "first_published_value"]].itertuples(
            index=False
        )
    )
    st.warning(
        f"**Reviderad:** {f.period_label} har ändrats av en senare leverans sedan tertialen "
        f"först publicerades avslutad ({first:%Y-%m-%d}): {changes}.",
        icon=":material/history:",
    )


def against_targets(result: pd.Series) -> None:
    """The chosen insats's targets from the configuration beside the period's result."""
    all_targets = data.targets(frame.wh)
    own = all_targets[all_targets["insats"] == f.insats]
    if own.empty:
        return
    parts = []
    for figure, target in zip(own["figure_id"], own["target"], strict=True):
        value = result.get(figure)
        verdict = ""
        if isinstance(value, float) and pd.notna(value):
            verdict = " (nått)" if value >= target else " (inte nått)"
        parts.append(
            f"{figure_label(figure)} {fmt(target, 'share')}, utfall {fmt(value, 'share')}{verdict}"
        )
    st.caption(f"**Mål för {f.insats}** enligt konfigurationen: {'; '.join(parts)}.")


def group_figures() -> None:
    """Exits and goal shares for the chosen person group, where the marts have that group."""
    chosen = [label("genders", f.gender) if f.gender else None, f.age_band]
    group = ", ".join(filter(None, chosen))
    st.subheader(f"Avslut och andel i mål för {group}")
    if not honoured_person_filters(f):
        st.info(
            "Lagret har avslut och andel i mål per kön eller per åldersgrupp inom en enhet "
            "eller insats, inte för kön och åldersgrupp tillsammans och inte per grupp inom en "
            "kommun. Välj ett av dem, eller Alla kommuner, för att se gruppen.",
            icon=":material/info:",
        )
        return
    trend = data.outcome_trend(frame.wh, f)
    this = data.period_row(trend, f.period_label)
    last = data.period_row(trend, data.previous_period(frame.wh, f))
    for column, (key, lower_is_better) in zip(st.columns(3), GROUP_FIGURES, strict=True):
        with column:
            metric(
                figure_label(key), this.get(key), last.get(key), figure_format(key), lower_is_better
            )


def trend_chart(trend: pd.DataFrame, goals: pd.DataFrame, figure: str, tertials: list) -> None:
    """Tertials on x, the insatser side by side in each, a black tick at each insats's
    target; a masked share is no bar (unknown), never a zero."""
    bars = trend[["insats", "period_label"]].assign(Värde=data.numeric(trend[figure]))
    bars = bars.merge(goals, on="insats", how="left").dropna(subset=["Värde"])
    if bars.empty:
        st.caption("Inget att rita: alla värden saknas eller gäller färre än 5 personer.")
        return
    insatser = sorted(trend["insats"].unique())
    base = alt.Chart(bars).encode(
        x=alt.X(
            "period_label:N",
            sort=tertials,
            title=None,
            axis=alt.Axis(labelLimit=0, labelAngle=0),
        ),
        xOffset=alt.XOffset("insats:N", sort=insatser),
    )
    columns = base.mark_bar().encode(
        y=alt.Y("Värde:Q", title=figure_label(figure), axis=alt.Axis(format=SHARE)),
        color=alt.Color(
            "insats:N",
            title=None,
            sort=insatser,
            legend=alt.Legend(orient="bottom", labelLimit=0, columns=3),
        ),
        tooltip=[
            alt.Tooltip("insats:N", title="Insats"),
            alt.Tooltip("period_label:N", title="Tertial"),
            alt.Tooltip("Värde:Q", title=figure_label(figure), format=SHARE),
            alt.Tooltip("Mål:Q", format=SHARE),
        ],
    )
    ticks = base.mark_tick(color="black", thickness=3).encode(y="Mål:Q")
    show_chart(
        (columns + ticks).properties(height=320),
        f"{figure_label(figure)} per insats, senaste sex tertialen",
        "Staplarna är insatsernas resultat sida vid sida för varje tertial; det svarta "
        "strecket är insatsens mål enligt konfigurationen. En stapel saknas där värdet "
        "gäller färre än 5 personer.",
    )


def trend_section() -> None:
    """The last six tertials per insats side by side, against each insats's targets."""
    st.subheader("Utveckling per insats, senaste sex tertialen")
    dimension, _ = data.outcome_selector(f)
    honoured = {"unit"} | ({"municipality"} if dimension == "municipality_name" else set())
    not_applied(f, honoured | honoured_person_filters(f), "utvecklingen per insats")
    figure = st.radio(
        "Nyckeltal",
        TREND_FIGURES,
        format_func=figure_label,
        horizontal=True,
        key="overview_trend_figure",
    )
    trend = data.insats_trend(frame.wh, f)
    if trend.empty:
        st.info("Inga avslut under de senaste sex tertialen för urvalet.")
        return
    all_targets = data.targets(frame.wh)
    goals = all_targets.loc[all_targets["figure_id"] == figure, ["insats", "target"]]
    goals = goals.rename(columns={"target": "Mål"})
    tertials = data.last_tertials(frame.wh, f)["period_label"].tolist()
    trend_chart(trend, goals, figure, tertials)
    shown = latest_first(trend).merge(goals, on="insats", how="left")
    shown["Mål"] = shown["Mål"].map(lambda v: fmt(v, "share"))
    columns = ["period_label", "insats", "exits", "goal_share", "work_or_studies_share", "Mål"]
    table(
        shown[columns].rename(columns={"Mål": f"Mål, {figure_label(figure).lower()}"}),
        "utveckling per insats",
        {"goal_share": "share", "work_or_studies_share": "share", "exits": "count"},
    )
    without = sorted(set(trend["insats"]) - set(goals["insats"]))
    if without:
        st.caption(
            f"Inget mål för {figure_label(figure).lower()} i konfigurationen: {', '.join(without)}."
        )
    definition(
        figure_definitions("exits", *TREND_FIGURES)
        + " Målen sätts per insats i insatskonfigurationen (targets)."
    )


frame = current()
f = frame.filters
st.title("Översikt")
st.markdown("**Hur gick perioden, jämfört med perioden innan och med målen?**")
applied_filters(f, {"unit", "municipality"}, "nyckeltalen")
key_figures()
if f.gender or f.age_band:
    group_figures()
trend_section()
