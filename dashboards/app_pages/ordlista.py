"""Ordlista: the Swedish terms the dashboard uses, for readers without the handbook."""

import streamlit as st

from dashboards.components import labels

st.title("Ordlista")
st.markdown("**Vad betyder orden och nyckeltalen i uppföljningen?**")
for entry in labels()["glossary"]:
    st.markdown(f"**{entry['term']}**  \n{entry['meaning']}")
