"""The report dict laid out as the styrgrupp reads it: Swedish headings and labels, every
person count protected. Markdown and Excel both render these sections, so they never differ.

Labels, definitions and how each figure is protected come from the figure catalogue the
report carries (`report["figures"]`); protection is `pipelines.disclosure`'s Cell Key
Method with the cell keys the report carries (`report["cell_keys"]`): every count
perturbed, shares on the perturbed counts, means on fewer than the threshold not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pipelines.disclosure import Protection, note, perturbed, protect_record
from pipelines.report.figures import BUDGET_KEYS, FLOW_KEYS, GENDER_KEYS, SCB_KEYS

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


@dataclass
class Section:
    """One heading with a table (first column is the row label) and optional notes.

    `units` gives each row's unit from the catalogue ("andel" rows are shares).
    """

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    units: list[str | None] = field(default_factory=list)


def kronor(value: float | None) -> int | None:
    """Money as the styrgrupp reads it: whole kronor, half up (the JSON keeps öre)."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shown(report: dict) -> dict[str, Cell]:
    """Every catalogued figure of the report as a manager may see it (Cell Key Method)."""
    keys = report["cell_keys"]
    record = {key: report[key] for key in report["figures"] if key in report}
    record |= {key + "_cell_key": value for key, value in keys.items() if isinstance(value, int)}
    protections = {
        key: Protection(figure["protection"], tuple(figure["disclosure_basis"]))
        for key, figure in report["figures"].items()
    }
    return protect_record(record, protections)


def published(report: dict, path: str) -> Cell:
    """A count of a breakdown (`exits_by_reason.Arbete`, `gender.served.K`), perturbed."""
    value, key = report, report["cell_keys"]
    for part in path.split("."):
        value, key = value.get(part, 0), key.get(part, 0)
    return perturbed(value, key)  # type: ignore[return-value]


def label(report: dict, figure_id: str) -> str:
    return report["figures"][figure_id]["label"]


def cell(report: dict, figure_id: str) -> Cell:
    """A figure of the report as shown: protected, money in whole kronor."""
    value = shown(report)[figure_id]
    if report["figures"][figure_id]["unit"] == "kronor" and not isinstance(value, str):
        value = kronor(value)
    return value


def _figure_rows(report: dict, title: str, columns: list[str], ids: list[str]) -> Section:
    rows = [[label(report, key), cell(report, key)] for key in ids]
    units = [report["figures"][key]["unit"] for key in ids]
    return Section(title, columns, rows, units=units)


def _flows(report: dict) -> Section:
    section = _figure_rows(report, "Deltagarflöde", ["Mått", "Antal"], FLOW_KEYS)
    section.notes = [note()]
    return section


def _exit_reasons(report: dict) -> Section:
    rows = [
        [reason, published(report, f"exits_by_reason.{reason}")]
        for reason in report["exits_by_reason"]
    ]
    rows.append(["Totalt", cell(report, "exits")])
    heading = label(report, "exits_by_reason")
    return Section("Avslutsorsaker", ["Avslutsorsak", heading], rows)


def _results(report: dict) -> Section:
    section = _figure_rows(report, "Resultat och genomströmning", ["Mått", "Värde"], RESULTS)
    section.notes = [
        f"Måldefinition: {report['goal_definition']}",
        f"Genomströmningstiden avser avslut {report['throughput_window_start']} – "
        f"{report['period_to']} (tolv månader som slutar med perioden).",
    ]
    return section


def _gender(report: dict) -> Section:
    rows = [
        [label(report, key)]
        + [published(report, f"gender.{key}.{code}") for code in GENDER_COLUMNS]
        for key in GENDER_KEYS
    ]
    return Section("Kön", ["", *GENDER_COLUMNS.values()], rows)


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


def sections(report: dict) -> list[Section]:
    """Every section of the tertial report, in reading order."""
    return [
        _flows(report),
        _exit_reasons(report),
        _results(report),
        _gender(report),
        _scb(report),
        _budget(report),
    ]


def definitions(report: dict) -> list[str]:
    """The definitions the report states: its terms, then every figure it shows."""
    terms = [f"{term}: {meaning}" for term, meaning in report["glossary"].items()]
    figures = [f"{entry['label']}: {entry['definition']}" for entry in report["figures"].values()]
    return terms + figures


def title(report: dict) -> str:
    return f"Periodrapport {report['insats']}"


def _preliminary(report: dict) -> str:
    if not report.get("is_partial"):
        return ""
    return " (preliminär: perioden slutar efter senaste leveransen)"


def subtitle(report: dict) -> list[tuple[str, str]]:
    """The facts every page states: insats, unit, period and data version."""
    return [
        ("Insats", report["insats"]),
        ("Enhet", report["unit"]),
        ("Period", f"{report['period_from']} – {report['period_to']}{_preliminary(report)}"),
        ("Data publicerade", str(report.get("published_at") or "okänt")),
    ]
