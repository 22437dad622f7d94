"""Avstämning: does the case system agree with what was reported to SCB and published?"""

import altair as alt
import streamlit as st

from dashboards import data
from dashboards.components import (
    catalog,
    column_names,
    definition,
    figure_definitions,
    labels,
    show_chart,
    table,
)
from dashboards.frame import applied_filters, current

STATUSES = ["both_sources", "only_case_system", "only_scb"]
STATUS_COLOURS = labels()["reconciliation_colours"]  # a match is never red

frame = current()
f = frame.filters
st.title("Avstämning")
st.markdown("**Stämmer ärendesystemet med det som rapporterats till SCB?**")
applied_filters(f, set(), "avstämningen, som görs per ESF-projekt")

st.subheader(f"Ärendesystem mot SCB, {f.unit}")
scopes = data.reconciliation_in_period(frame.wh, f)
if scopes.empty:
    st.info("Insatsen har inga deltagare i ESF-rapporter till SCB.")
else:
    table(scopes, f"avstämning mot SCB {f.period_label}")
    st.caption(
        f"Under perioden ({f.period_label}): inskrivna någon gång under perioden mot "
        "rapporterade som aktiva någon gång under den. Sedan första leveransen: alla."
    )

st.subheader("Per ESF-projekt, sedan första leveransen")
projects = data.reconciliation(frame.wh, f.insats)
if projects.empty:
    st.info("Inga ESF-projekt att stämma av för urvalet.")
else:
    bars = projects.melt(id_vars="esf_project", value_vars=STATUSES, var_name="status")
    bars["Antal"] = data.numeric(bars["value"])
    bars["Status"] = bars["status"].map(column_names())
    names = [column_names()[status] for status in STATUSES]
    chart = (
        alt.Chart(bars.dropna(subset=["Antal"]))
        .mark_bar()
        .encode(
            y=alt.Y("esf_project:N", title="ESF-projekt", axis=alt.Axis(labelLimit=0)),
            x=alt.X("Antal:Q", title="Personer", stack="zero"),
            color=alt.Color(
                "Status:N",
                title=None,
                sort=names,
                scale=alt.Scale(domain=names, range=[STATUS_COLOURS[s] for s in STATUSES]),
                legend=alt.Legend(orient="bottom", labelLimit=0),
            ),
            tooltip=["esf_project", "Status", alt.Tooltip("value:N", title="Personer")],
        )
    )
    show_chart(
        chart,
        "Ärendesystem mot SCB per ESF-projekt",
        "Personer som finns i båda källorna, bara i ärendesystemet eller bara hos SCB. "
        "Grönt stämmer; orange och rött är avvikelser att utreda.",
    )
    table(projects, "avstämning mot SCB")
definition(figure_definitions(*STATUSES))

st.subheader("Publicerade siffror mot beräknade")
stated = data.stated_figures(frame.wh, f.insats)
if stated.empty:
    st.info("Inga publicerade siffror att jämföra med.")
else:
    differing = int((~stated["is_consistent"].astype(bool)).sum())
    if differing:
        st.warning(f"Publicerade siffror som skiljer sig från de beräknade: {differing}.")
    figures = catalog()
    stated["figure"] = stated["figure"].map(
        lambda name: figures[name].label if name in figures else name
    )
    table(stated, "publicerade siffror mot beräknade")
    definition(
        "Siffror som insatsen publicerat för hand, jämförda med samma nyckeltal beräknat ur lagret."
    )
