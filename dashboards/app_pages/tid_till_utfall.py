"""Tid till utfall: how long do participants stay, and how soon do they reach an outcome?"""

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import definition, label, labels, line_chart, show_chart, table
from dashboards.frame import applied_filters, current

frame = current()
f = frame.filters
st.title("Tid till utfall")
st.markdown("**Hur länge är deltagarna inskrivna, och hur snabbt når de avslut eller mål?**")
applied_filters(f, {"gender", "age_band"}, "genomströmningstiden")

st.subheader("Genomströmningstid")
windows = data.throughput_windows(frame.wh)
window = (
    st.segmented_control(
        "Fönster",
        windows,
        default="rolling_12m" if "rolling_12m" in windows else windows[0],
        format_func=lambda w: label("period_types", w),
        key="throughput_window",
    )
    or windows[0]
)
times = data.throughput(frame.wh, f, window)
if times.empty:
    st.info("Inga avslut att beräkna genomströmningstid på för urvalet.")
else:
    line_chart(times, "period_end", ["mean_months", "median_months"], "Månader", ",.1f")
    st.caption("Varje punkt är ett fönster, placerat vid fönstrets sista dag.")
    table(
        times.drop(columns=["period_start", "period_end"]),
        f"genomströmningstid {window}",
        {"mean_months": "months", "median_months": "months"},
    )
definition(
    "Genomströmningstid = dagar/30,4375 från inskrivning till avslut, för avslut i fönstret, "
    "avhopp exkluderade. Fönster med färre än 5 avslut visas som <5."
)

st.subheader("Tid till utfall (Kaplan–Meier)")
left, right = st.columns(2)
with left:
    outcome = (
        st.segmented_control(
            "Utfall",
            ["avslut", "mål"],
            default="mål",
            format_func=lambda o: label("outcomes", o),
            key="km_outcome",
        )
        or "mål"
    )
with right:
    dimensions = data.survival_dimensions(frame.wh, f.insats)
    preferred = "gender" if f.gender else "age_band" if f.age_band else "total"
    dimension = st.selectbox(
        "Uppdelat på",
        dimensions,
        index=dimensions.index(preferred) if preferred in dimensions else 0,
        format_func=lambda d: labels()["dimensions"].get(d, d),
        key="km_dimension",
    )
curves = data.survival(frame.wh, f.insats, dimension, outcome) if dimension else pd.DataFrame()
chosen = {"gender": f.gender, "age_band": f.age_band}.get(dimension)
if chosen is not None:
    curves = curves[curves["dimension_value"] == chosen]
if curves.empty:
    st.info("Kaplan–Meier-kurvor saknas för urvalet.")
else:
    if dimension == "gender":
        curves["dimension_value"] = curves["dimension_value"].map(lambda g: label("genders", g))
    plotted = curves[["dimension_value", "month"]].assign(
        Andel=data.numeric(curves["cumulative_share"])
    )
    plotted = plotted.dropna(subset=["Andel"])
    chart = (
        alt.Chart(plotted)
        .mark_line(interpolate="step-after", point=False)
        .encode(
            x=alt.X("month:Q", title="Månader sedan inskrivning"),
            y=alt.Y("Andel:Q", title="Andel som nått utfallet", axis=alt.Axis(format="%")),
            color=alt.Color("dimension_value:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("dimension_value:N", title="Grupp"),
                alt.Tooltip("month:Q", title="Månad"),
                alt.Tooltip("Andel:Q", format=".0%"),
            ],
        )
    )
    show_chart(chart)
    table(
        curves,
        f"tid till {outcome} per {dimension}",
        {"survival": "share", "cumulative_share": "share"},
    )
definition(
    "Kaplan–Meier: andelen som nått utfallet efter så många månader. Deltagare som "
    "fortfarande är aktiva räknas som censurerade (de bidrar så länge de är inskrivna). "
    "Kurvan visas inte där färre än 5 personer återstår."
)
