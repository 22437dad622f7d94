"""Ekonomi: are we within budget, where will the year end, and what does a participant cost?"""

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import definition, label, line_chart, metric, show_chart, table
from dashboards.frame import applied_filters, current

AMOUNTS = ["budget", "actual_to_date", "difference", "full_year_forecast", "forecast_result"]

frame = current()
f = frame.filters
st.title("Ekonomi")
st.markdown("**Håller vi budget, var landar året, och vad kostar en deltagare?**")
applied_filters(f, set(), "ekonomin, som följs per insats")

dates = data.budget_dates(frame.wh)
if dates.empty:
    st.info("Ingen budget eller prognos är inläst ännu.")
    st.stop()
all_periods = data.periods(frame.wh)
chosen = data.period_row(all_periods[all_periods["period_type"] == f.period_type], f.period_label)
reported = dates[dates["as_of_date"] <= chosen.get("period_end", dates["as_of_date"].max())]
default = (reported if not reported.empty else dates).iloc[0]
years = dates["year"].unique().tolist()
left, right = st.columns(2)
with left:
    year = st.selectbox("År", years, index=years.index(default["year"]), key="economy_year")
with right:
    month_ends = dates.loc[dates["year"] == year, "as_of_date"].dt.date.tolist()
    as_of = st.selectbox(
        "Utfall per",
        month_ends,
        index=month_ends.index(default["as_of_date"].date())
        if default["as_of_date"].date() in month_ends
        else 0,
        key="economy_as_of",
    )
st.caption("Utfall per: förvalt är sista månadsslutet i vald period.")

lines = data.budget(frame.wh, f.insats, as_of)
totals = lines[AMOUNTS].sum()
cols = st.columns(4)
for column, (key, title) in zip(
    cols,
    [
        ("budget", "Budget"),
        ("actual_to_date", "Utfall hittills"),
        ("full_year_forecast", "Helårsprognos"),
        ("forecast_result", "Prognostiserat resultat"),
    ],
    strict=True,
):
    with column:
        metric(title, totals[key], None, "kr")
if totals["forecast_result"] < 0:
    st.warning("Prognosen visar underskott: helårsprognosen är större än budgeten.")

st.subheader("Per kostnadsslag")
bars = lines.melt(
    id_vars="cost_line",
    value_vars=["budget", "actual_to_date", "full_year_forecast"],
    var_name="Belopp",
    value_name="kr",
)
bars["Belopp"] = bars["Belopp"].map(lambda c: label("columns", c))
chart = (
    alt.Chart(bars)
    .mark_bar()
    .encode(
        y=alt.Y("cost_line:N", title=None),
        yOffset="Belopp:N",
        x=alt.X("kr:Q", title="kr", axis=alt.Axis(format=",.0f")),
        color=alt.Color("Belopp:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["cost_line", "Belopp", alt.Tooltip("kr:Q", format=",.0f")],
    )
)
show_chart(chart)
table(
    lines, f"budget och prognos {as_of}", dict.fromkeys(AMOUNTS, "kr") | {"forecast_date": "date"}
)
definition(
    "Differens = budget − utfall hittills. Prognostiserat resultat = budget − helårsprognos "
    "(positivt = överskott). Prognosen är den senaste som lämnats per datumet."
)

st.subheader(f"Förbrukning under {year}")
burn = data.burn(frame.wh, f.insats, int(year))
burn = burn[burn["as_of_date"].dt.date <= as_of]
burn["pace"] = burn["budget"] * pd.to_datetime(burn["as_of_date"]).dt.month / 12
burn["Månad"] = pd.to_datetime(burn["as_of_date"]).dt.strftime("%Y-%m")
line_chart(burn, "Månad", ["actual_to_date", "pace", "full_year_forecast"], "kr")
definition("Utfall hittills vid varje månadsslut mot budgeten fördelad jämnt över året.")

st.subheader("Kostnad per deltagare")
costs = data.cost_per_participant(frame.wh, f)
if costs.empty:
    st.info("Kostnad per deltagare saknas för urvalet.")
else:
    line_chart(costs, "period_label", ["cost_per_served", "cost_per_goal"], "kr")
    table(
        costs.drop(columns="period_start"),
        f"kostnad per deltagare {f.period_type}",
        {"cost": "kr", "cost_per_served": "kr", "cost_per_goal": "kr"},
    )
definition(
    "Kostnad per deltagare = kostnad i perioden / deltagare i perioden (aktiva vid "
    "periodstart + inskrivna). Kostnad per deltagare i mål = kostnad / avslut i mål."
)

st.subheader(f"Finansiering {year}")
table(
    data.funding(frame.wh, f.insats, int(year)),
    f"finansiering {year}",
    {"budget_amount": "kr", "share_percent": "decimal"},
)
