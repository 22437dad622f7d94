"""Översikt: how did the chosen period go, against the one before?"""

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import definition, fmt, label, metric, table
from dashboards.frame import applied_filters, current, honoured_person_filters

FIGURES = [  # column, Swedish title, format, lower is better
    ("active_at_end", "Aktiva vid periodslut", "count", False),
    ("enrolled", "Inskrivna under perioden", "count", False),
    ("exited", "Avslutade under perioden", "count", False),
    ("queue_at_end", "Kö vid periodslut", "count", True),
    ("dropouts", "Avhopp", "count", True),
    ("goal_share", "Andel i mål", "share", False),
    ("mean_months", "Genomströmningstid, medel", "months", True),
    ("cost_per_served", "Kostnad per deltagare", "kr", True),
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
    for column, (key, title, kind, lower_is_better) in zip(st.columns(4), row, strict=True):
        with column:
            values = figures.loc[key]
            metric(title, values["current"], values["previous"], kind, lower_is_better)

trend = data.outcome_trend(frame.wh, f)
goal_definition = trend["goal_definition"].dropna()
definition(
    "Aktiva, inskrivna, avslutade och kö räknas i inskrivningsepisoder. "
    + (f"Andel i mål: {goal_definition.iloc[-1]} " if not goal_definition.empty else "")
    + "Genomströmningstid = dagar/30,4375 från inskrivning till avslut, avhopp exkluderade, "
    "för avslut under perioden (rullande 12 månader som slutar med perioden när perioden är "
    "kortare än ett år). Kostnad per deltagare = kostnad i perioden / deltagare i perioden."
)

st.subheader("Nyckeltal i tabellform")
rows = pd.DataFrame(
    {
        "Nyckeltal": [title for _, title, _, _ in FIGURES],
        f"{label('period_types', f.period_type)} {f.period_label}": [
            fmt(figures.loc[key, "current"], kind) for key, _, kind, _ in FIGURES
        ],
        f"Föregående ({previous or '–'})": [
            fmt(figures.loc[key, "previous"], kind) for key, _, kind, _ in FIGURES
        ],
    }
)
table(rows, f"nyckeltal {f.period_label}")
