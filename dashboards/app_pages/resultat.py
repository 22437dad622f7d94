"""Resultat: how did participants leave, how many reached the goal, and who?"""

import streamlit as st

from dashboards import data
from dashboards.components import (
    bar_chart,
    definition,
    figure_definitions,
    figure_format,
    figure_label,
    label,
    labels,
    line_chart,
    metric,
    table,
)
from dashboards.frame import applied_filters, current, honoured_person_filters, not_applied

BREAKDOWNS = [
    "gender",
    "age_band",
    "referrer",
    "income_source_at_enrolment",
    "time_enrolled_band",
    "municipality_name",
    "unit",
]
SHARE_FORMATS = dict.fromkeys(
    [
        "goal_share",
        "goal_share_including_dropouts",
        "goal_share_excluding_dropouts",
        "work_or_studies_share",
    ],
    "share",
)

frame = current()
f = frame.filters
st.title("Resultat")
st.markdown("**Hur slutade deltagarna, hur många nådde målet, och skiljer det mellan grupper?**")
dimension, _ = data.outcome_selector(f)
in_municipality = {"municipality"} if dimension == "municipality_name" else set()
applied_filters(
    f, {"unit"} | in_municipality | honoured_person_filters(f), "nyckeltalen och andel i mål"
)

trend = data.outcome_trend(frame.wh, f)
this = data.period_row(trend, f.period_label)
last = data.period_row(trend, data.previous_period(frame.wh, f))
if this.empty:
    st.info("Inga avslut under vald period för urvalet.")
    st.stop()
HEADLINE = [  # figure id, lower is better; reports state the goal share both ways
    [("exits", False), ("dropouts", True), ("work_or_studies_share", False)],
    [
        ("goal_share", False),
        ("goal_share_including_dropouts", False),
        ("goal_share_excluding_dropouts", False),
    ],
]
for row in HEADLINE:
    for column, (key, lower_is_better) in zip(st.columns(3), row, strict=True):
        with column:
            metric(
                figure_label(key),
                this.get(key),
                last.get(key),
                figure_format(key),
                lower_is_better,
            )
definition(
    figure_definitions(
        "goal_share",
        "goal_share_including_dropouts",
        "goal_share_excluding_dropouts",
        "work_or_studies_share",
    )
    + f" Måldefinition: {this['goal_definition']}"
)

left, right = st.columns(2)
with left:
    st.subheader("Avslut per orsak")
    not_applied(f, {"unit", "municipality"}, "avsluten per orsak")
    reasons = data.exits_by_reason(frame.wh, f)
    bar_chart(
        reasons,
        "exit_reason",
        "exits",
        figure_label("exits_by_reason"),
        f"Avslut per orsak, {f.period_label}",
        "Antal avslut under perioden per avslutsorsak, flest först.",
    )
    table(reasons, f"avslut per orsak {f.period_label}")
with right:
    st.subheader("Andel i mål över tid")
    line_chart(
        trend,
        "period_label",
        ["goal_share", "work_or_studies_share"],
        "Andel",
        "Andel i mål över tid",
        "Andel av periodens avslut som nådde målet, och som gick till arbete eller studier.",
        ".0%",
    )
    st.caption("Perioder med färre än 5 avslut visas inte.")

st.subheader("Uppdelat på grupper")
not_applied(f, {"unit"}, "uppdelningarna på grupper")
tabs = st.tabs([labels()["dimensions"][d] for d in BREAKDOWNS])
for tab, dimension in zip(tabs, BREAKDOWNS, strict=True):
    with tab:
        groups = data.outcomes(frame.wh, f, dimension).drop(columns="goal_definition")
        if dimension == "gender":
            groups["dimension_value"] = groups["dimension_value"].map(lambda g: label("genders", g))
        if groups.empty:
            st.info("Inga avslut i perioden.")
            continue
        bar_chart(
            groups,
            "dimension_value",
            "goal_share",
            figure_label("goal_share"),
            f"Andel i mål per {labels()['dimensions'][dimension].lower()}, {f.period_label}",
            "Andel av gruppens avslut under perioden som nådde målet, högst först.",
            ".0%",
        )
        table(groups, f"resultat per {dimension} {f.period_label}", SHARE_FORMATS)
