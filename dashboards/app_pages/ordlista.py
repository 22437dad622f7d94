"""Ordlista: the figures and terms the dashboard uses, for readers without the handbook.

Both lists come from the warehouse (marts.figure_catalog and marts.glossary), the same
texts the period report and the README state.
"""

import streamlit as st

from dashboards import data
from dashboards.components import catalog
from dashboards.frame import current
from pipelines.figure_catalog import UNITS as UNIT_NAMES

frame = current()
st.title("Ordlista")
st.markdown("**Vad betyder orden och nyckeltalen i uppföljningen?**")
st.subheader("Nyckeltal")
for figure in catalog().values():
    st.markdown(
        f"**{figure.label}** ({UNIT_NAMES[figure.unit]})  \n{figure.definition}  \n"
        f"Finns i `marts.{figure.mart}.{figure.mart_column}`."
    )
st.subheader("Begrepp")
for term, meaning in data.glossary(frame.wh).items():
    st.markdown(f"**{term}**  \n{meaning}")
