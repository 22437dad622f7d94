"""The frame around every page, drawn once by the router: freshness banner and sidebar filters.

Pages read the result from st.session_state through `current()`, so a filter set on one
page holds on the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import label, labels
from pipelines import disclosure

STATE_KEY = "frame"
EVERYONE = "*"  # the "no restriction" choice; a None value would show as an empty box
LOCAL_TIME = ZoneInfo("Europe/Stockholm")
PRINT_STYLE = Path(__file__).with_name("print.css")
# Streamlit serves <html lang="en"> and has no option for it; screen readers and
# hyphenation need the page's real language, so the document is told once it loads.
SWEDISH_DOCUMENT = "<script>document.documentElement.lang = 'sv';</script>"


@dataclass(frozen=True)
class Frame:
    """What a page needs: the warehouse as published, and the user's filters."""

    wh: data.Warehouse
    filters: data.Filters


def current() -> Frame:
    """The frame the router drew for this run."""
    return st.session_state[STATE_KEY]


def document() -> None:
    """The page is Swedish (lang="sv") and prints without sidebar, header and buttons."""
    st.html(PRINT_STYLE)
    st.sidebar.html(SWEDISH_DOCUMENT, unsafe_allow_javascript=True)


def draw(wh: data.Warehouse) -> Frame:
    """Freshness banner, the sidebar filters and how the numbers are protected; remembers
    the result for the page."""
    freshness_banner(wh)
    frame = Frame(wh, sidebar_filters(wh))
    st.sidebar.caption(disclosure.note())
    st.session_state[STATE_KEY] = frame
    return frame


def freshness_banner(wh: data.Warehouse) -> None:
    """When the data was published, and a warning when last night's run did not publish."""
    pub = data.publication(wh)
    if pub.empty:
        st.warning("Lagret saknar uppgift om när det publicerades (meta.publication är tom).")
        return
    published_at = pd.Timestamp(pub["published_at"].iloc[0]).to_pydatetime()
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=dt.UTC)
    local = published_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
    st.sidebar.caption(f"Data uppdaterad {local} (körning {pub['run_id'].iloc[0]})")
    if data.is_stale(published_at):
        st.warning(
            f"Uppgifterna publicerades {local} och är äldre än ett dygn: nattens körning har "
            "inte publicerat något nytt. Kontakta dataansvarig."
        )


def _select(
    title: str,
    options: Sequence[object],
    key: str,
    format_func: Callable[[object], str] = str,
    default: object = None,
) -> object:
    """A sidebar selectbox whose remembered choice is dropped when it is no longer offered."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    if key not in st.session_state and default in options:
        st.session_state[key] = default
    return st.sidebar.selectbox(title, options, key=key, format_func=format_func)


def sidebar_filters(wh: data.Warehouse) -> data.Filters:
    """Insats, municipality, unit, period and person filters, each offered from the marts."""
    st.sidebar.header("Urval")
    scopes = data.scopes(wh)
    insatser = [data.ALL_INSATSER] + sorted(set(scopes["insats"]) - {data.ALL_INSATSER})
    insats = _select("Förbund / insats", insatser, "filter_insats", _insats_name)
    in_insats = scopes[scopes["insats"] == insats]
    municipalities = [EVERYONE] + sorted(in_insats["municipality_name"].dropna().unique())
    municipality = _select("Kommun", municipalities, "filter_municipality", _or_all("kommuner"))
    if municipality != EVERYONE:
        in_insats = in_insats[in_insats["municipality_name"] == municipality]
    units = [data.ALL_UNITS] + sorted(set(in_insats["unit"]) - {data.ALL_UNITS})
    unit = _select("Enhet", units, "filter_unit")
    period_type, period_label = _period_filters(wh)
    genders = [EVERYONE] + data.dimension_values(wh, "gender")
    gender = _select("Kön", genders, "filter_gender", _or_all_label("genders", "kön"))
    age_bands = [EVERYONE] + data.dimension_values(wh, "age_band")
    age_band = _select("Åldersgrupp", age_bands, "filter_age_band", _or_all("åldrar"))
    return data.Filters(
        insats=str(insats),
        unit=str(unit),
        municipality=_restriction(municipality),
        period_type=period_type,
        period_label=period_label,
        gender=_restriction(gender),
        age_band=_restriction(age_band),
    )


def _restriction(choice: object) -> str | None:
    return None if choice == EVERYONE else str(choice)


def _period_filters(wh: data.Warehouse) -> tuple[str, str | None]:
    all_periods = data.periods(wh)
    known = list(labels()["period_types"])
    types = sorted(set(all_periods["period_type"]), key=lambda t: (t not in known, known.index(t)))
    period_type = str(
        _select(
            "Periodtyp",
            types,
            "filter_period_type",
            lambda t: label("period_types", str(t)),
            default="tertial",
        )
    )
    rows = all_periods[all_periods["period_type"] == period_type]
    options = rows["period_label"].tolist()[::-1]
    cutoff = min(dt.date.today(), _newest_month(all_periods) or dt.date.today())
    partial = set(rows.loc[rows["is_partial"], "period_label"])
    period_label = _select(
        "Period",
        options,
        "filter_period",
        lambda label: f"{label} (preliminär)" if label in partial else str(label),
        default=default_period(rows, cutoff),
    )
    if period_label in partial:
        st.sidebar.caption(
            "Preliminär: perioden slutar efter senaste leveransen, så siffrorna ändras ännu."
        )
    return period_type, None if period_label is None else str(period_label)


def _newest_month(all_periods: pd.DataFrame) -> dt.date | None:
    months = all_periods.loc[all_periods["period_type"] == "month", "period_start"]
    return None if months.empty else pd.Timestamp(months.max()).date()


def default_period(rows: pd.DataFrame, cutoff: dt.date) -> str | None:
    """The latest period ended before `cutoff`, so the first view shows a complete period.

    The cutoff is today or, if earlier, the start of the newest month in the data: that
    month is still being reported.
    """
    ended = rows[pd.to_datetime(rows["period_end"]).dt.date < cutoff]
    chosen = ended if not ended.empty else rows
    return None if chosen.empty else str(chosen["period_label"].iloc[-1])


def _insats_name(value: object) -> str:
    return "Alla insatser (hela förbundet)" if value == data.ALL_INSATSER else str(value)


def _or_all(noun: str) -> Callable[[object], str]:
    return lambda value: f"Alla {noun}" if value == EVERYONE else str(value)


def _or_all_label(group: str, noun: str) -> Callable[[object], str]:
    return lambda value: f"Alla ({noun})" if value == EVERYONE else label(group, str(value))


def honoured_person_filters(f: data.Filters) -> set[str]:
    """The person filter the outcomes marts can apply (one breakdown at a time)."""
    dimension, _ = data.outcome_selector(f)
    return {dimension} & {"gender", "age_band"}


def applied_filters(
    f: data.Filters,
    honoured: set[str],
    what: str = "sidans tabeller",
    unit_applies: bool = True,
) -> None:
    """Say which filters were chosen, all of them, and which the page's marts cannot apply."""
    people = [
        f"Kommun {f.municipality}" if f.municipality else None,
        label("genders", f.gender) if f.gender else None,
        f"Åldersgrupp {f.age_band}" if f.age_band else None,
    ]
    period = f"{label('period_types', f.period_type)} {f.period_label or ''}".strip()
    scope = [_insats_name(f.insats), f.unit, *filter(None, people), period]
    st.caption(f"Urval: {' · '.join(scope)}")
    not_applied(f, honoured, what, unit_applies)


def not_applied(f: data.Filters, honoured: set[str], what: str, unit_applies: bool = True) -> None:
    """Say plainly which chosen filters `what` does not follow: it shows all for them.

    The unit is a scope most marts have; where a view has it only as one breakdown among
    others (the follow-up marts), the caller says whether it applies.
    """
    names = {
        "unit": ("Enhet", None if unit_applies or f.unit == data.ALL_UNITS else f.unit),
        "municipality": ("Kommun", f.municipality),
        "gender": ("Kön", label("genders", f.gender)),
        "age_band": ("Åldersgrupp", f.age_band),
    }
    if unit_applies and f.unit != data.ALL_UNITS:
        honoured = honoured | {"municipality"}  # the unit lies in the chosen municipality
    chosen = {key: value for key, value in names.items() if value[1]}
    ignored = [f"{name} ({value})" for key, (name, value) in chosen.items() if key not in honoured]
    if ignored:
        st.info(
            f"Urvalet {', '.join(ignored)} kan inte tillämpas på {what}, som "
            "inte finns uppdelade så i lagret: de visar alla.",
            icon=":material/info:",
        )
