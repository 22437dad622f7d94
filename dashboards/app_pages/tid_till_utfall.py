"""Tid till utfall: how long do participants stay, and how soon do they reach an outcome?"""

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import (
    definition,
    figure_definitions,
    label,
    labels,
    latest_first,
    line_chart,
    show_chart,
    table,
)
from dashboards.frame import applied_filters, current, not_applied

frame = current()
f = frame.filters
st.title("Tid till utfall")
st.markdown("**Hur länge är deltagarna inskrivna, och hur snabbt når de avslut eller mål?**")
applied_filters(f, {"unit", "municipality"}, "genomströmningstiden")

st.subheader("Genomströmningstid")
times = data.throughput(frame.wh, f)
if times.empty:
    st.info("Inga avslut att beräkna genomströmningstid på för urvalet.")
else:
    line_chart(
        times,
        "period_label",
        ["mean_months", "median_months"],
        "Månader",
        "Genomströmningstid",
        "Medel- och mediantid i månader från inskrivning till avslut, avhopp borträknade.",
        ",.1f",
    )
    st.caption(
        "Varje punkt avser avsluten under de tolv månader som slutar med perioden "
        "(kolumnerna fönsterstart och fönsterslut)."
    )
    table(
        latest_first(times).drop(columns=["period_start", "period_end"]),
        f"genomströmningstid {f.period_type}",
        {
            "mean_months": "months",
            "median_months": "months",
            "window_start": "date",
            "window_end": "date",
        },
    )
definition(figure_definitions("mean_months", "median_months"))

st.subheader("Tid till utfall")
left, right = st.columns(2)
with left:
    outcomes = data.survival_outcomes(frame.wh, f.insats)
    outcome = st.selectbox(
        "Utfall",
        outcomes,
        index=outcomes.index("mål") if "mål" in outcomes else 0,
        format_func=lambda o: labels()["outcomes"].get(o, o),
        key="km_outcome",
    )
with right:
    dimensions = data.survival_dimensions(frame.wh, f.insats, outcome)
    preferred = "gender" if f.gender else "age_band" if f.age_band else "total"
    dimension = st.selectbox(
        "Uppdelat på",
        dimensions,
        index=dimensions.index(preferred) if preferred in dimensions else 0,
        format_func=lambda d: labels()["dimensions"].get(d, d),
        key="km_dimension",
    )
not_applied(
    f,
    {dimension} & {key for key in ("gender", "age_band") if getattr(f, key)},
    "kurvorna för tid till utfall",
    unit_applies=False,
)
curves = data.survival(frame.wh, f.insats, dimension, outcome) if dimension else pd.DataFrame()
chosen = {"gender": f.gender, "age_band": f.age_band}.get(dimension)
if chosen is not None:
    curves = curves[curves["dimension_value"] == chosen]
if curves.empty:
    st.info("Kurvor saknas för urvalet.")
else:
    if dimension == "gender":
        curves["dimension_value"] = curves["dimension_value"].map(lambda g: label("genders", g))
    plotted = curves[["dimension_value", "month"]].assign(
        Andel=data.numeric(curves["cumulative_share"]),
        Nedre=data.numeric(curves["cumulative_share_lower"]),
        Övre=data.numeric(curves["cumulative_share_upper"]),
    )
    plotted = plotted.dropna(subset=["Andel"])
    base = alt.Chart(plotted).encode(
        x=alt.X("month:Q", title="Månader sedan inskrivning"),
        color=alt.Color("dimension_value:N", title=None, legend=alt.Legend(orient="bottom")),
    )
    band = base.mark_area(opacity=0.15, interpolate="step-after").encode(
        y=alt.Y("Nedre:Q", title="Andel som nått utfallet", axis=alt.Axis(format="%")),
        y2="Övre:Q",
    )
    line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y("Andel:Q", axis=alt.Axis(format="%")),
        tooltip=[
            alt.Tooltip("dimension_value:N", title="Grupp"),
            alt.Tooltip("month:Q", title="Månad", format=".1f"),
            alt.Tooltip("Andel:Q", format=".0%"),
            alt.Tooltip("Nedre:Q", title="95 % nedre", format=".0%"),
            alt.Tooltip("Övre:Q", title="95 % övre", format=".0%"),
        ],
    )
    show_chart(
        band + line,
        f"Tid till {labels()['outcomes'].get(outcome, outcome).lower()}",
        "Andel som nått utfallet, månad för månad efter inskrivningen, med 95 % osäkerhetsband.",
    )
    table(
        curves,
        f"tid till {outcome} per {dimension}",
        dict.fromkeys(
            ["survival", "cumulative_share", "cumulative_share_lower", "cumulative_share_upper"],
            "share",
        ),
    )
competing = (
    "Alla avslut är utfallet; inget konkurrerar."
    if outcome == "avslut"
    else "Avslut av andra skäl konkurrerar med utfallet: de räknas inte som censurerade "
    "(Aalen–Johansen), så andelen är den som verkligen nått utfallet."
)
definition(
    f"{figure_definitions('cumulative_share', 'cumulative_share_lower')} "
    "Censurerade är de som fortfarande är inskrivna när uppgifterna tar slut (senaste "
    f"leveransen av deras ärende). {competing} Kurvan visas inte där färre än 5 är kvar i risk."
)
