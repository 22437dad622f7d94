"""Finsam follow-up dashboard: router, and the frame every page shares.

Run with `streamlit run dashboards/streamlit_app.py`. Reads the published warehouse
(FINSAM_WAREHOUSE) read-only.
"""

from __future__ import annotations

import duckdb
import streamlit as st

from dashboards import data, frame
from pipelines.settings import load_settings

st.set_page_config(
    page_title="Finsam uppföljning", page_icon=":material/monitoring:", layout="wide"
)

PAGES = {
    "Uppföljning": [
        st.Page("app_pages/oversikt.py", title="Översikt", icon=":material/dashboard:"),
        st.Page("app_pages/flode.py", title="Flöde", icon=":material/trending_up:"),
        st.Page("app_pages/resultat.py", title="Resultat", icon=":material/flag:"),
        st.Page("app_pages/tid_till_utfall.py", title="Tid till utfall", icon=":material/timer:"),
        st.Page("app_pages/forsorjning.py", title="Försörjning", icon=":material/swap_horiz:"),
        st.Page("app_pages/uppfoljning.py", title="Uppföljning", icon=":material/update:"),
        st.Page("app_pages/ekonomi.py", title="Ekonomi", icon=":material/payments:"),
    ],
    "Kvalitet": [
        st.Page("app_pages/datakvalitet.py", title="Datakvalitet", icon=":material/rule:"),
        st.Page("app_pages/leveranser.py", title="Leveranser", icon=":material/inbox:"),
        st.Page("app_pages/avstamning.py", title="Avstämning", icon=":material/compare_arrows:"),
    ],
    "Hjälp": [
        st.Page("app_pages/ordlista.py", title="Ordlista", icon=":material/menu_book:"),
    ],
}

page = st.navigation(PAGES)
frame.document()
warehouse = data.locate()
if warehouse is None:
    st.title("Finsam uppföljning")
    st.warning(
        "Inget datalager är publicerat ännu. Siffrorna visas när den första nattliga "
        "körningen har publicerat lagret (filen som FINSAM_WAREHOUSE pekar på, "
        f"`{load_settings().warehouse}`). Kontakta dataansvarig om det dröjer.",
        icon=":material/hourglass_empty:",
    )
    st.stop()

try:
    frame.draw(warehouse)
    page.run()
except (duckdb.CatalogException, duckdb.BinderException) as missing:
    st.error(
        "Det publicerade lagret saknar en tabell eller kolumn som sidan behöver, troligen "
        f"från en äldre version av pipelinen. Kör om nattens körning. ({missing})"
    )
