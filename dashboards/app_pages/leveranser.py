"""Leveranser: which files came in, what became of each, and which must be delivered again?"""

import streamlit as st

from dashboards import data
from dashboards.components import fmt, table
from dashboards.frame import current

# The statuses of marts.deliveries, with what the page calls a count of each.
STATUSES = {
    "inläst": "Inlästa, aktuella",
    "ersatt": "Ersatta av en senare leverans",
    "i karantän": "I karantän",
    "dubblett": "Dubbletter",
}

frame = current()
st.title("Leveranser")
st.markdown("**Vilka filer har kommit in, vad hände med varje fil och vilka måste levereras om?**")
st.caption(
    "Alla levererade filer, den senast mottagna först. Urvalet av insats, enhet och period "
    "gäller inte här: en fil hör till källan som levererade den, inte till en insats."
)

deliveries = data.deliveries(frame.wh)
counts = deliveries["status"].value_counts()
for column, (status, title) in zip(st.columns(len(STATUSES)), STATUSES.items(), strict=True):
    column.metric(title, fmt(int(counts.get(status, 0))), border=True)
quarantined = int(counts.get("i karantän", 0))
if quarantined:
    st.warning(
        f"{fmt(quarantined)} fil(er) ligger i karantän och är inte inlästa: be källan leverera "
        "dem igen, rättade, med skälet i kolumnen Orsak. En ny fil läses in vid nästa körning."
    )

chosen = st.multiselect("Status", list(STATUSES), default=list(STATUSES), key="deliveries_status")
kinds = sorted(deliveries["kind_label"].unique())
kind = st.selectbox("Leveranstyp", ["Alla leveranstyper", *kinds], key="deliveries_kind")
shown = deliveries[deliveries["status"].isin(chosen)]
if kind != "Alla leveranstyper":
    shown = shown[shown["kind_label"] == kind]
if shown.empty:
    st.info("Inga leveranser för urvalet.")
else:
    table(shown, "leveranser", {"extraction_date": "date"})
st.caption(
    "Rader lästa, inlästa och avvisade och fält tömda gäller filen själv; de avvisade raderna "
    "och tömda fälten med rad, fält och skäl finns i arbetslistan på sidan Datakvalitet. En "
    "dubblett har samma innehåll som en fil som redan är inläst och läses inte igen."
)
