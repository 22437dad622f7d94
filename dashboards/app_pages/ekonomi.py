"""Ekonomi: are we within budget, where will the year end, and what does a participant cost?"""

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import (
    column_names,
    definition,
    figure_definitions,
    figure_label,
    latest_first,
    line_chart,
    metric,
    show_chart,
    table,
)
from dashboards.frame import applied_filters, current

AMOUNTS = ["budget", "actual_to_date", "difference", "full_year_forecast", "forecast_result"]
TOTAL = "Totalt"

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
if lines.empty:
    st.info("Ingen budget eller inga kostnader för insatsen det året.")
    st.stop()
totals = lines[lines["cost_line"] == TOTAL].iloc[0]
cost_lines = lines[lines["cost_line"] != TOTAL]
cols = st.columns(4)
for column, key in zip(
    cols, ["budget", "actual_to_date", "full_year_forecast", "forecast_result"], strict=True
):
    with column:
        metric(figure_label(key), totals[key], None, "kr")
if not cost_lines["has_budget_line"].all():
    missing = ", ".join(cost_lines.loc[~cost_lines["has_budget_line"], "cost_line"])
    st.warning(f"Kostnader utan budgetrad (budget 0): {missing}.")
if totals["forecast_result"] is not None and totals["forecast_result"] < 0:
    st.warning("Prognosen visar underskott: helårsprognosen är större än budgeten.")

st.subheader("Per kostnadsslag")
bars = cost_lines.melt(
    id_vars="cost_line",
    value_vars=["budget", "actual_to_date", "full_year_forecast"],
    var_name="Belopp",
    value_name="kr",
)
bars["Belopp"] = bars["Belopp"].map(column_names())
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
show_chart(
    chart,
    f"Budget, utfall och prognos per kostnadsslag, {as_of}",
    "Årets budget, utfall hittills och helårsprognos i kronor för varje kostnadsslag.",
)
table(
    lines, f"budget och prognos {as_of}", dict.fromkeys(AMOUNTS, "kr") | {"forecast_date": "date"}
)
definition(figure_definitions(*AMOUNTS))

st.subheader(f"Förbrukning under {year}")
burn = data.burn(frame.wh, f.insats, int(year))
burn = burn[burn["as_of_date"].dt.date <= as_of]
burn["Månad"] = pd.to_datetime(burn["as_of_date"]).dt.strftime("%Y-%m")
line_chart(
    burn,
    "Månad",
    ["actual_to_date", "budget_at_even_pace", "full_year_forecast"],
    "kr",
    f"Förbrukning under {year}",
    "Utfall hittills vid varje månadsslut mot budget i jämn takt och helårsprognos.",
)
definition(figure_definitions("actual_to_date", "budget_at_even_pace"))

st.subheader("Kostnad per deltagare")
costs = data.cost_per_participant(frame.wh, f)
if costs.empty:
    st.info(
        "Kostnad per deltagare finns för en insats som helhet: kostnaderna bokförs per "
        "insats, inte per enhet eller kommun. Välj Alla enheter och alla kommuner."
    )
else:
    line_chart(
        costs,
        "period_label",
        ["cost_per_served", "cost_per_goal"],
        "kr",
        "Kostnad per deltagare",
        "Periodens kostnad per deltagare som fick stöd och per avslut i mål.",
    )
    table(
        latest_first(costs).drop(columns="period_start"),
        f"kostnad per deltagare {f.period_type}",
        {"cost": "kr", "cost_per_served": "kr", "cost_per_goal": "kr"},
    )
definition(figure_definitions("cost", "cost_per_served", "cost_per_goal"))

st.subheader(f"Finansiering {year}")
table(
    data.funding(frame.wh, f.insats, int(year)),
    f"finansiering {year}",
    {"budget_amount": "kr", "share_percent": "decimal"},
)
