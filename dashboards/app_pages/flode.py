"""Flöde: how many are active, enrolled, exited and waiting, over time?"""

import streamlit as st

from dashboards import data
from dashboards.components import (
    definition,
    figure_definitions,
    label,
    latest_first,
    line_chart,
    table,
)
from dashboards.frame import applied_filters, current, not_applied

FLOWS = ["active_at_start", "enrolled", "exited", "dropouts", "active_at_end", "served"]

frame = current()
f = frame.filters
st.title("Flöde")
st.markdown("**Hur många är aktiva, skrivs in, avslutas och står i kö, period för period?**")
applied_filters(f, {"municipality"})
if f.municipality is not None and f.unit == data.ALL_UNITS:
    st.caption(
        f"Deltagare räknas i {f.municipality} när deras enheter ligger där; den som är "
        "inskriven vid enheter i flera kommuner räknas under Flera kommuner."
    )

flows = data.flows(frame.wh, f)
if flows.empty:
    st.info("Inga flöden finns för urvalet.")
    st.stop()

left, right = st.columns(2)
with left:
    st.subheader("Aktiva och kö vid periodslut")
    line_chart(
        flows,
        "period_label",
        ["active_at_end", "queue_at_end"],
        "Personer",
        "Aktiva och kö vid periodslut",
        "Personer inskrivna respektive i kö den sista dagen i varje period.",
    )
with right:
    st.subheader("Inskrivna och avslutade under perioden")
    line_chart(
        flows,
        "period_label",
        ["enrolled", "exited", "dropouts"],
        "Personer",
        "Inskrivna och avslutade",
        "Personer som skrevs in, avslutades och hoppade av under varje period.",
    )
definition(figure_definitions(*FLOWS, "queue_at_end", "average_enrolled"))

st.subheader(f"Flöde per {label('period_types', f.period_type).lower()}")
table(
    latest_first(flows).drop(columns=["period_start", "period_end"]),
    f"flöde {f.period_type}",
    {"average_enrolled": "decimal"},
)

st.subheader("Räckvidd per kommun")
not_applied(f, {"municipality"}, "räckvidden", unit_applies=False)
reach = data.reach(frame.wh, f)
table(reach, "räckvidd per kommun", {"per_1000": "decimal"})
definition(figure_definitions("reach_participants", "per_1000"))
