"""Försörjning: what did participants live on before, and after?"""

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import definition, figure_definitions, show_chart, table
from dashboards.frame import applied_filters, current

KINDS = {
    "income": ("Försörjning före och efter", "försörjning"),
    "occupation": ("Sysselsättning före och efter", "sysselsättning"),
}

frame = current()
f = frame.filters
st.title("Försörjning")
st.markdown("**Från vilken försörjning kom deltagarna, och till vilken gick de?**")
applied_filters(f, set(), "övergångarna")
if f.unit != data.ALL_UNITS:
    st.caption("Övergångarna finns per insats, inte per enhet: de visar hela insatsen.")


def matrix(df: pd.DataFrame, title: str) -> None:
    """Before on rows, after on columns; masked cells are written, not coloured."""
    cells = df[["before", "after"]].assign(
        Personer=data.numeric(df["persons"]), Text=df["persons"].astype(str)
    )
    base = alt.Chart(cells).encode(
        y=alt.Y("before:N", title="Vid inskrivning", axis=alt.Axis(labelLimit=220)),
        x=alt.X(
            "after:N",
            title="Vid avslut",
            axis=alt.Axis(labelAngle=-35, labelLimit=220, labelOverlap=False),
        ),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "Personer:Q", scale=alt.Scale(scheme="blues", domainMin=0), title="Personer"
        ),
        tooltip=[
            alt.Tooltip("before:N", title="Före"),
            alt.Tooltip("after:N", title="Efter"),
            alt.Tooltip("Text:N", title="Personer"),
        ],
    )
    dark = float(cells["Personer"].max() or 0) / 2
    text = base.mark_text(fontSize=12).encode(
        text="Text:N",
        color=alt.condition(alt.datum.Personer > dark, alt.value("white"), alt.value("black")),
    )
    rows = df["before"].nunique()
    # The height includes the slanted labels under the matrix (about 170 px).
    show_chart(
        (heat + text).properties(height=170 + 34 * max(rows, 3)),
        title,
        "Personer per försörjning vid inskrivning (rader) och vid avslut (kolumner), "
        "för periodens avslut.",
    )


for kind, (title, noun) in KINDS.items():
    st.subheader(title)
    moves = data.transitions(frame.wh, f, kind)
    if moves.empty:
        st.info(f"Inga avslut med uppgift om {noun} under perioden.")
        continue
    matrix(moves, f"{title}, {f.period_label}")
    table(moves, f"{noun} före och efter {f.period_label}")
    definition(figure_definitions(f"{kind}_transition_persons"))
