"""Översikt: how did the chosen period go, against the one before?"""

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
    metric,
    table,
)
from dashboards.frame import applied_filters, current, honoured_person_filters

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

frame = current()
f = frame.filters
st.title("Översikt")
st.markdown("**Hur gick perioden, jämfört med perioden innan?**")
applied_filters(f, {"municipality"}, "flödestalen, genomströmningstiden och kostnaden")
if honoured_person_filters(f):
    st.caption("Andel i mål gäller vald grupp.")

figures = data.key_figures(frame.wh, f)
previous = data.previous_period(frame.wh, f)
st.caption(f"Period {f.period_label} jämförs med {previous or '– (ingen tidigare period)'}.")

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

trend = data.outcome_trend(frame.wh, f)
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
