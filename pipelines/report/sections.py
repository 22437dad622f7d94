"""The report dict laid out as the styrgrupp reads it: Swedish headings and labels, every
person count protected. Markdown and Excel both render these sections, so they never differ.

Labels, definitions and how each figure is protected come from the figure catalogue the
report carries (`report["figures"]`); protection is `pipelines.disclosure`'s Cell Key
Method with the cell keys the report carries (`report["cell_keys"]`): every count
perturbed, shares on the perturbed counts, means on fewer than the threshold not shown.
A follow-up figure of a cohort not yet mature is marked as such, never a smaller number,
by the same module (its maturity flag and cohort count come from the catalogue).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from pipelines.disclosure import (
    CELL_KEY_SUFFIX,
    IMMATURE,
    Protection,
    note,
    perturbed,
    protect_frame,
    protect_record,
)
from pipelines.report.figures import (
    ALL_INSATSER,
    BREAKDOWNS,
    BUDGET_KEYS,
    COMPARISON_KEYS,
    EXTENT_FIGURES,
    FLOW_KEYS,
    GENDER_KEYS,
    MATURITY_FLAGS,
    PAYMENT_FIGURES,
    PAYMENT_MEASURES,
    RETURN_FIGURES,
    SCB_KEYS,
    SOURCE_FIGURE,
    STATUS_FIGURES,
    TREND_EXITS,
    TREND_FLOWS,
)
from pipelines.report.periods import local_time

Cell = str | int | float | None

RESULTS = [
    "goal_exits",
    "goal_share_base",
    "goal_share",
    "goal_exits_including_dropouts",
    "goal_share_including_dropouts",
    "goal_exits_excluding_dropouts",
    "goal_share_excluding_dropouts",
    "work_or_studies_exits",
    "work_or_studies_share",
    "throughput_exits",
    "mean_months",
    "median_months",
    "cost",
    "cost_per_served",
    "cost_per_goal",
]
GENDER_COLUMNS = {"K": "Kvinnor", "M": "Män", "okänt": "Uppgift saknas"}
BREAKDOWN_TITLES = {
    "age_band": "Åldersgrupp",
    "referrer": "Remitterande aktör",
    "income_source_at_enrolment": "Försörjning vid inskrivning",
}
COMMENT_TITLE = "Kommentar"
REVISIONS_TITLE = "Reviderade siffror"
COMPARISON_TITLE = "Nyckeltal jämfört med tidigare perioder"
TREND_TITLE = "Flöde och resultat, sex tertial"
# Comparison column headings when the report's period is a tertial, and otherwise.
COMPARISON_HEADINGS = {
    True: {"previous": "Föregående tertial", "a_year_earlier": "Samma tertial i fjol"},
    False: {"previous": "Föregående period", "a_year_earlier": "Samma period i fjol"},
}
NO_BREAK_SPACE = "\u00a0"
FOLLOW_UP_TITLE = "Uppföljning efter avslut"
STATUS_TITLE = "Självförsörjning efter avslut"
RETURNS_TITLE = "Återgång till offentlig försörjning efter avslut till arbete eller studier"
PAYMENTS_TITLE = "Offentliga utbetalningar före och efter"
EXTENT_TITLE = "Ersättningens omfattning efter avslut"
MONTH_NAMES = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


@dataclass
class Section:
    """One heading with a table (first column is the row label) and optional notes.

    `units` gives each row's unit from the catalogue ("andel" rows are shares); `parts`
    are tables under the same heading (one sheet in Excel); `text` is Markdown written by
    people (the insats's comment); `chart` asks the renderers that draw for a chart of the
    table: `columns` (a group of bars per column, a bar per row: the trend, kön) or
    `rows` (a bar per row of the last column's figure: a breakdown). A cell that is not
    a number is a gap in a chart, never a zero.
    """

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    units: list[str | None] = field(default_factory=list)
    parts: list[Section] = field(default_factory=list)
    text: str = ""
    chart: str | None = None


def swedish_number(value: Cell, share: bool = False) -> str:
    """`1 234`, `12,3`, `49,6 %`: Swedish separators; missing values as a dash."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if share:
        return f"{value * 100:.1f}".replace(".", ",") + f"{NO_BREAK_SPACE}%"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", NO_BREAK_SPACE).replace(".", ",")
    return f"{int(value):,}".replace(",", NO_BREAK_SPACE)


def kronor(value: float | None) -> int | None:
    """Money as the styrgrupp reads it: whole kronor, half up (the JSON keeps öre)."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def whole_kronor(value: Cell) -> Cell:
    """A protected amount in whole kronor; a mask or a mark stays as it is."""
    return value if isinstance(value, str) else kronor(value)


def _protection(report: dict, figure_id: str) -> Protection:
    figure = report["figures"][figure_id]
    return Protection(
        figure["protection"],
        tuple(figure["disclosure_basis"]),
        figure["maturity_flag"],
        figure["cohort_basis"],
    )


def shown(report: dict) -> dict[str, Cell]:
    """Every catalogued figure of the report as a manager may see it (Cell Key Method)."""
    keys = report["cell_keys"]
    record = {key: report[key] for key in report["figures"] if key in report}
    record |= {key + "_cell_key": value for key, value in keys.items() if isinstance(value, int)}
    protections = {key: _protection(report, key) for key in report["figures"]}
    return protect_record(record, protections)


def protected(
    report: dict, entries: list[tuple[Mapping, Mapping]], figures: Mapping[str, str]
) -> list[dict[str, Cell]]:
    """Cohort windows' figures (entry and cell keys; JSON key -> figure id) as a manager
    may see them: counts perturbed by their cell keys, the rest by its catalogue rule on
    those counts, and each as its cohort's maturity allows (the entry's flags under the
    marts' names). One frame for all windows: the method works on columns."""
    records = [
        {name: values.get(name) for name in figures}
        | {name + CELL_KEY_SUFFIX: keys[name] for name in figures if name in keys}
        | {flag: values[key] for flag, key in MATURITY_FLAGS.items() if key in values}
        for values, keys in entries
    ]
    protections = {name: _protection(report, figure_id) for name, figure_id in figures.items()}
    return protect_frame(pd.DataFrame(records, dtype=object), protections).to_dict("records")


def published(report: dict, path: str) -> Cell:
    """A count of a breakdown (`exits_by_reason.Arbete`, `gender.served.K`), perturbed."""
    value, key = report, report["cell_keys"]
    for part in path.split("."):
        value, key = value.get(part, 0), key.get(part, 0)
    return perturbed(value, key)  # type: ignore[return-value]


def label(report: dict, figure_id: str) -> str:
    return report["figures"][figure_id]["label"]


def cell(report: dict, figures: Mapping[str, Cell], figure_id: str) -> Cell:
    """A figure of the report as shown (`figures`: `shown(report)`), money in whole kronor."""
    value = figures[figure_id]
    return whole_kronor(value) if report["figures"][figure_id]["unit"] == "kronor" else value


def _figure_rows(
    report: dict, figures: Mapping[str, Cell], title: str, columns: list[str], ids: list[str]
) -> Section:
    rows = [[label(report, key), cell(report, figures, key)] for key in ids]
    units = [report["figures"][key]["unit"] for key in ids]
    return Section(title, columns, rows, units=units)


def _flows(report: dict, figures: Mapping[str, Cell]) -> Section:
    section = _figure_rows(report, figures, "Deltagarflöde", ["Mått", "Antal"], FLOW_KEYS)
    section.notes = [note()]
    return section


def _exit_reasons(report: dict, figures: Mapping[str, Cell]) -> Section:
    rows = [
        [reason, published(report, f"exits_by_reason.{reason}")]
        for reason in report["exits_by_reason"]
    ]
    rows.append(["Totalt", cell(report, figures, "exits")])
    heading = label(report, "exits_by_reason")
    return Section("Avslutsorsaker", ["Avslutsorsak", heading], rows)


def _results(report: dict, figures: Mapping[str, Cell]) -> Section:
    title, columns = "Resultat och genomströmning", ["Mått", "Värde"]
    section = _figure_rows(report, figures, title, columns, RESULTS)
    section.notes = [
        f"Måldefinition: {report['goal_definition']}",
        f"Genomströmningstiden avser avslut {report['throughput_window_start']} – "
        f"{report['period_to']} (tolv månader som slutar med perioden).",
    ]
    return section


def _comparison(report: dict) -> Section:
    """The key figures of the period beside the previous period and the same period a
    year earlier, each protected as in its own report (same cell keys, same rules)."""
    comparisons, keys = report["comparisons"], report["cell_keys"]["comparisons"]
    entries = [
        ({key: report[key] for key in COMPARISON_KEYS}, report["cell_keys"]),
        *((comparisons[name], keys[name]) for name in comparisons),
    ]
    columns_shown = protected(report, entries, {key: key for key in COMPARISON_KEYS})
    rows = [
        [label(report, key), *(cell(report, values, key) for values in columns_shown)]
        for key in COMPARISON_KEYS
    ]
    headings = COMPARISON_HEADINGS[report["tertial"] is not None]
    notes = [
        f"{headings[name]}: {entry['period_name']}, {entry['period_from']} – "
        f"{entry['period_to']}{_preliminary(entry)}."
        for name, entry in comparisons.items()
    ]
    columns = ["Mått", report["period_name"], *(headings[name] for name in comparisons)]
    units = [report["figures"][key]["unit"] for key in COMPARISON_KEYS]
    return Section(COMPARISON_TITLE, columns, rows, notes, units=units)


def _trend(report: dict) -> Section:
    """Flows and goal exits of the six tertials ending with the period (a chart and its
    table); a tertial without figures for the scope stays empty."""
    figures = TREND_FLOWS + TREND_EXITS
    entries = [
        (entry, report["cell_keys"]["trend"][name]) for name, entry in report["trend"].items()
    ]
    columns_shown = protected(report, entries, {key: key for key in figures})
    rows = [[label(report, key), *(values[key] for values in columns_shown)] for key in figures]
    return Section(TREND_TITLE, ["Mått", *report["trend"]], rows, chart="columns")


def _breakdown(report: dict, dimension: str) -> Section:
    """One breakdown: a row per value, the flow figures as columns, every count perturbed
    by its cell key (one frame for the table: the method works on columns)."""
    counts, keys = report["breakdowns"][dimension], report["cell_keys"]["breakdowns"][dimension]
    values = list(dict.fromkeys(value for key in GENDER_KEYS for value in counts[key]))
    entries = [
        (
            {key: counts[key].get(value, 0) for key in GENDER_KEYS},
            {key: keys[key].get(value, 0) for key in GENDER_KEYS},
        )
        for value in values
    ]
    shown_rows = protected(report, entries, {key: key for key in GENDER_KEYS})
    rows = [
        [value, *(shown[key] for key in GENDER_KEYS)]
        for value, shown in zip(values, shown_rows, strict=True)
    ]
    columns = [BREAKDOWN_TITLES[dimension], *(label(report, key) for key in GENDER_KEYS)]
    notes = [] if rows else ["Inga deltagare under perioden."]
    return Section(BREAKDOWN_TITLES[dimension], columns, rows, notes, chart="rows")


def _comment(report: dict) -> list[Section]:
    """The insats's own comment for the period, when it wrote one."""
    comment = report.get("comment")
    if not comment:
        return []
    if not comment["text"]:
        missing = f"Ingen kommentar för perioden (filen {comment['file']})."
        return [Section(COMMENT_TITLE, [], [], notes=[missing])]
    return [Section(COMMENT_TITLE, [], [], text=comment["text"])]


def _revisions(report: dict) -> list[Section]:
    """Reviderad: the figures a later delivery changed since the tertial was first
    published closed, now and then (both protected, pipelines.revisions)."""
    revised = report.get("revisions") or []
    if not revised:
        return []
    first = min(entry["first_published_at"] for entry in revised)
    rows = [
        [label(report, entry["figure_id"]), entry["value"], entry["first_published_value"]]
        for entry in revised
    ]
    units = [report["figures"][entry["figure_id"]]["unit"] for entry in revised]
    note_text = (
        "En senare leverans har ändrat tertialens siffror sedan den först publicerades "
        f"avslutad ({local_time(datetime.fromisoformat(first))}). Rapporten visar dagens "
        "siffror; kolumnen Först publicerad visar de tidigare."
    )
    columns = ["Mått", "Nu", "Först publicerad"]
    return [Section(REVISIONS_TITLE, columns, rows, [note_text], units=units)]


def _gender(report: dict) -> Section:
    rows = [
        [label(report, key)]
        + [published(report, f"gender.{key}.{code}") for code in GENDER_COLUMNS]
        for key in GENDER_KEYS
    ]
    return Section("Kön", ["", *GENDER_COLUMNS.values()], rows, chart="columns")


def _scb(report: dict) -> Section:
    all_time = report["scb_reconciliation_all_time"]
    columns = ["Personer", "Under perioden", "Sedan första leveransen"]
    if not any(all_time.values()):
        notes = ["Insatsen har inga deltagare i aktuella ESF-rapporter till SCB."]
        return Section("Avstämning mot SCB (ESF)", columns, [], notes)
    rows = [
        [
            label(report, key),
            published(report, f"scb_reconciliation.{key}"),
            published(report, f"scb_reconciliation_all_time.{key}"),
        ]
        for key in SCB_KEYS
    ]
    notes = [
        "Under perioden: inskrivna någon gång under perioden mot rapporterade som aktiva "
        "någon gång under den. Skillnader mellan ärendesystem och SCB-rapport är ett "
        "resultat, inte ett fel."
    ]
    return Section("Avstämning mot SCB (ESF)", columns, rows, notes)


def _budget(report: dict) -> Section:
    columns = ["Kostnadsslag", *(label(report, key) for key in BUDGET_KEYS)]
    rows = [
        [line["cost_line"], *(kronor(line[key]) for key in BUDGET_KEYS)]
        for line in report["budget"]
    ]
    title = f"Ekonomi {report['budget_year']}: budget, utfall och prognos"
    if not rows:
        notes = [f"Ingen budget för {report['budget_year']} finns i lagret för insatsen."]
        return Section(title, columns, [], notes)
    notes = [f"Utfall till och med {report['budget_as_of']}."]
    if report.get("forecast_date"):
        notes.append(f"Prognos lämnad {report['forecast_date']}.")
    return Section(title, columns, rows, notes)


def months_in_words(first: str, last: str) -> str:
    """A cohort window's exit months as people say them: `jan–apr 2023`, `nov 2022–feb
    2023`, `maj 2023`."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    end_text = f"{MONTH_NAMES[end.month - 1]} {end.year}"
    if (start.year, start.month) == (end.year, end.month):
        return end_text
    start_text = MONTH_NAMES[start.month - 1]
    if start.year != end.year:
        start_text += f" {start.year}"
    return f"{start_text}–{end_text}"


def window_heading(entry: Mapping, months_after: int | str) -> str:
    """`Avslut jan–apr 2023, 12 månader efter avslut`."""
    window = months_in_words(entry["exits_from"], entry["exits_to"])
    return f"Avslut {window}, {months_after} månader efter avslut"


def _window_table(
    report: dict,
    title: str,
    windows: list[tuple[str, Mapping, Mapping]],
    figures: Mapping[str, str],
) -> Section:
    """One row per figure, one column per cohort window (months after exit, its entry and
    cell keys)."""
    shown = protected(report, [(entry, keys) for _, entry, keys in windows], figures)
    rows = [
        [label(report, figure_id), *(values[name] for values in shown)]
        for name, figure_id in figures.items()
    ]
    columns = ["Mått", *(window_heading(entry, months) for months, entry, _ in windows)]
    units = [report["figures"][figure_id]["unit"] for figure_id in figures.values()]
    return Section(title, columns, rows, units=units)


def _follow_up_status(report: dict) -> Section:
    horizons = report["follow_up"]["months_after"]
    keys = report["cell_keys"]["follow_up"]["months_after"]
    windows = [(months, entry, keys[months]) for months, entry in horizons.items()]
    return _window_table(report, STATUS_TITLE, windows, STATUS_FIGURES)


def _follow_up_sources(report: dict) -> Section:
    """Persons by income source in each window's month (protected, beside the window's
    cohort), for the report's scope."""
    horizons = report["follow_up"]["months_after"]
    keys = report["cell_keys"]["follow_up"]["months_after"]
    columns = ["Försörjningskälla", *(window_heading(e, months) for months, e in horizons.items())]
    title = label(report, SOURCE_FIGURE)
    sources = list(
        dict.fromkeys(s for months in horizons for s in keys[months]["by_income_source"])
    )
    entries = [
        (
            {**entry, "persons": (entry["by_income_source"] or {}).get(source, 0)},
            {**keys[months], "persons": keys[months]["by_income_source"].get(source, 0)},
        )
        for source in sources
        for months, entry in horizons.items()
    ]
    figures = {"persons": SOURCE_FIGURE, "cohort": "follow_up_cohort"}
    persons = [values["persons"] for values in protected(report, entries, figures)]
    rows = [
        [source, *persons[index * len(horizons) : (index + 1) * len(horizons)]]
        for index, source in enumerate(sources)
    ]
    return Section(title, columns, rows)


def _follow_up_returns(report: dict) -> Section:
    returns = report["follow_up"]["returns"]
    windows = [("24", returns, report["cell_keys"]["follow_up"]["returns"])]
    return _window_table(report, RETURNS_TITLE, windows, RETURN_FIGURES)


def _payment_record(entry: Mapping) -> dict[str, object]:
    """A party's entry with the columns of follow_up_payments (`before_total`, ...)."""
    return {
        **entry,
        **{
            f"{measure}_{kind}": entry[measure][kind]
            for measure in PAYMENT_MEASURES
            for kind in ("per_participant", "total")
        },
    }


def _follow_up_payments(report: dict) -> Section:
    """Kronor per paying party, whole kronor; per participant on the perturbed participants."""
    payments = report["follow_up"]["payments"]
    keys = report["cell_keys"]["follow_up"]["payments"]
    columns = ["Betalare", *(label(report, figure_id) for figure_id in PAYMENT_FIGURES.values())]
    amounts = list(PAYMENT_FIGURES)[1:]
    entries = [(_payment_record(entry), keys[party]) for party, entry in payments.items()]
    rows = [
        [party, values["participants"], *(whole_kronor(values[name]) for name in amounts)]
        for party, values in zip(payments, protected(report, entries, PAYMENT_FIGURES), strict=True)
    ]
    notes = [
        f"Avslut {months_in_words(entry['exits_from'], entry['exits_to'])}: utbetalningar "
        "under de 12 månaderna före inskrivningsmånaden och de 12 månaderna efter "
        "avslutsmånaden, i hela kronor."
        for entry in list(payments.values())[:1]
    ]
    return Section(PAYMENTS_TITLE, columns, rows, notes)


def _follow_up_benefit_extent(report: dict) -> Section:
    follow_up, keys = report["follow_up"], report["cell_keys"]["follow_up"]
    windows = [
        (str(follow_up[name]["months_after"]), follow_up[name], keys[name])
        for name in ("benefit_extent_month_6", "benefit_extent")
    ]
    return _window_table(report, EXTENT_TITLE, windows, EXTENT_FIGURES)


def _follow_up(report: dict) -> Section:
    """Uppföljning efter avslut: each follow-up time for its own cohort window."""
    notes = [
        "Varje uppföljningstid avser de avslut vars uppföljningsmånad ligger i "
        "rapportperioden (månad k efter avslut är avslutsmånaden + k månader), så kohorten "
        "skiljer sig mellan uppföljningstiderna.",
        f"{IMMATURE.capitalize()}: försörjningsregistren täcker ännu inte månaden för alla "
        "uppföljda i kohorten. Siffran visas först när kohorten är mogen, aldrig som en "
        "mindre andel.",
        note(),
    ]
    parts = [
        _follow_up_status(report),
        _follow_up_sources(report),
        _follow_up_returns(report),
        _follow_up_payments(report),
        _follow_up_benefit_extent(report),
    ]
    return Section(FOLLOW_UP_TITLE, [], [], notes, parts=parts)


def sections(report: dict) -> list[Section]:
    """Every section of the tertial report, in reading order."""
    figures = shown(report)
    return [
        *_comment(report),
        *_revisions(report),
        _comparison(report),
        _trend(report),
        _flows(report, figures),
        _exit_reasons(report, figures),
        _results(report, figures),
        _gender(report),
        *(_breakdown(report, dimension) for dimension in BREAKDOWNS),
        _scb(report),
        _follow_up(report),
        _budget(report),
    ]


def definitions(report: dict) -> list[str]:
    """The definitions the report states: its terms, then every figure it shows."""
    terms = [f"{term}: {meaning}" for term, meaning in report["glossary"].items()]
    figures = [f"{entry['label']}: {entry['definition']}" for entry in report["figures"].values()]
    return terms + figures


def scope_name(report: dict) -> str:
    """Whom the report is about: the insats, the insats at a unit, or the förbund."""
    if report["insats"] == ALL_INSATSER:
        whole = report.get("forbund") or "Hela förbundet"
        return whole if report["unit"] == "Alla enheter" else f"{whole}, {report['unit']}"
    if report["unit"] == "Alla enheter":
        return report["insats"]
    return f"{report['insats']}, {report['unit']}"


def title(report: dict) -> str:
    return f"Periodrapport {scope_name(report)}"


def _preliminary(entry: Mapping) -> str:
    if not entry.get("is_partial"):
        return ""
    return " (preliminär: perioden slutar efter senaste leveransen)"


def _revised(report: dict) -> str:
    return f" (reviderad: se {REVISIONS_TITLE})" if report.get("revisions") else ""


def _published(report: dict) -> str:
    """The publication time as read in Sweden (`2024-05-03 02:14`)."""
    published_at = report.get("published_at")
    if not published_at:
        return "okänt"
    return local_time(datetime.fromisoformat(published_at))


def subtitle(report: dict) -> list[tuple[str, str]]:
    """The facts every page states: förbund, insats, unit, period and data version."""
    insats = report["insats"]
    if insats == ALL_INSATSER:
        insats = f"{ALL_INSATSER} (hela förbundet)"
    facts = [("Förbund", report["forbund"])] if report.get("forbund") else []
    period = f"{report['period_from']} – {report['period_to']}"
    return facts + [
        ("Insats", insats),
        ("Enhet", report["unit"]),
        ("Period", f"{report['period_name']}, {period}{_preliminary(report)}{_revised(report)}"),
        ("Data publicerade", _published(report)),
    ]
