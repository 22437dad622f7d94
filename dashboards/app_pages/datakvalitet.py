"""Datakvalitet: what must the data stewards fix, and which checks failed?"""

import streamlit as st

from dashboards import data
from dashboards.components import bar_chart, definition, label, table
from dashboards.frame import applied_filters, current

frame = current()
f = frame.filters
st.title("Datakvalitet")
st.markdown("**Vad behöver rättas i ärendesystemen, och vilka kontroller slog larm?**")
applied_filters(f, set(), "arbetslistan")

results = data.check_results(frame.wh)
findings = data.worklist(frame.wh, f.insats, f.unit)
failed = results[~results["success"].astype(bool)]
cols = st.columns(3)
cols[0].metric("Öppna avvikelser", f"{len(findings):,}".replace(",", "\u202f"), border=True)
cols[1].metric("Kontroller som inte klarades", len(failed), border=True)
cols[2].metric("Kontroller totalt", len(results), border=True)
if (failed["severity"] == "error").any():
    st.warning("Minst en kontroll av allvarlighet 'error' klarades inte: se listan nedan.")

st.subheader("Arbetslista för dataansvariga")
st.caption("Senaste körningens avvikelser, äldst först, per enhet och handläggare.")
if findings.empty:
    st.success("Inga öppna avvikelser för urvalet.")
else:
    findings["field"] = findings["field"].map(
        lambda name: label("fields", name) if name else "(hela ärendet)"
    )
    per_field = findings.groupby("field", dropna=False).size().reset_index(name="cases")
    bar_chart(per_field, "field", "cases", "Ärenden")
    table(findings, "arbetslista", {"since_date": "date"})

st.subheader("Kontrollernas resultat")
table(results, "kontrollresultat")
definition(
    "Obligatoriska kartläggningsfält ska vara ifyllda inom insatsens frist efter inskrivning; "
    "kontrollerna körs varje natt innan lagret publiceras."
)
