"""The report dict laid out as the styrgrupp reads it: Swedish headings and labels, cells of
1-4 persons masked. Markdown and Excel both render these sections, so they never differ.

Masking follows the dashboard: a person count of 1-4 shows as "<5" (zero describes nobody
and stays), and a figure computed from such a count (a share, a mean) is masked with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pipelines.disclosure import MASK, MIN_CELL, is_small

Cell = str | int | float | None

FLOW_LABELS = {
    "active_at_start": "Aktiva vid periodens början",
    "enrolled": "Inskrivna under perioden",
    "exited": "Avslutade under perioden",
    "dropouts": "varav tidiga avhopp",
    "active_at_end": "Aktiva vid periodens slut",
    "served": "Betjänade under perioden (aktiva vid början + inskrivna)",
    "queue_at_end": "I kö vid periodens slut",
}
GENDER_ROWS = {
    "enrolled": "Inskrivna under perioden",
    "active_at_end": "Aktiva vid periodens slut",
    "served": "Betjänade under perioden",
}
GENDER_COLUMNS = {"K": "Kvinnor", "M": "Män", "okänt": "Uppgift saknas"}
SCB_LABELS = {
    "both": "I både ärendesystem och SCB-rapport",
    "only_case_system": "Endast i ärendesystemet",
    "only_scb": "Endast i SCB-rapporten",
}
BUDGET_COLUMNS = {
    "cost_line": "Kostnadsslag",
    "budget": "Budget",
    "actual": "Utfall",
    "difference": "Differens",
    "full_year_forecast": "Helårsprognos",
    "forecast_result": "Prognostiserat resultat",
}
TOTAL_COST_LINE = "Totalt"
DEFINITIONS = [
    "Räkneenhet är en inskrivningsperiod: en persons sammanhängande inskrivning i insatsen. "
    "Överlappande inskrivningar (t.ex. vid två enheter) räknas som en.",
    "Aktiva vid periodens början + inskrivna − avslutade = aktiva vid periodens slut. "
    "Betjänade = aktiva vid periodens början + inskrivna under perioden.",
    "Tidigt avhopp: avslut med en orsak som insatsen räknar som avhopp, eller inom "
    "insatsens prövotid.",
    "Genomströmningstid: månader (dagar / 30,4375) från inskrivning till avslut för avslut "
    "under perioden, tidiga avhopp exkluderade.",
    "Budget mot prognos: Differens = Budget − Utfall hittills; Prognostiserat resultat = "
    "Budget − Helårsprognos (positivt = överskott). Senaste prognos före rapportdatum.",
    f'Celler som beskriver 1–{MIN_CELL - 1} personer visas som "{MASK}", liksom andelar '
    "och medelvärden som bygger på dem.",
]


@dataclass
class Section:
    """One heading with a table (first column is the row label) and optional notes."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)


def masked(count: int | None) -> Cell:
    return MASK if is_small(count) else count


def kronor(value: float | None) -> int | None:
    """Money as the styrgrupp reads it: whole kronor, half up (the JSON keeps öre)."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _derived(value: float | None, *basis: int | None) -> Cell:
    return MASK if any(is_small(count) for count in basis) else value


def _flows(report: dict) -> Section:
    rows = [[label, masked(report[key])] for key, label in FLOW_LABELS.items()]
    return Section("Deltagarflöde", ["Mått", "Antal"], rows)


def _exit_reasons(report: dict) -> Section:
    rows = [[reason, masked(count)] for reason, count in report["exits_by_reason"].items()]
    rows.append(["Totalt", masked(report["exited"])])
    return Section("Avslutsorsaker", ["Avslutsorsak", "Antal avslut"], rows)


def _results(report: dict) -> Section:
    goal_basis = (report["goal_exits"], report["exits_excluding_dropouts"])
    time_basis = (report["exits_excluding_dropouts"],)
    rows = [
        ["Avslut i mål", masked(report["goal_exits"])],
        ["Avslut utom tidiga avhopp", masked(report["exits_excluding_dropouts"])],
        ["Andel i mål", _derived(report["goal_share"], *goal_basis)],
        ["Avslut till arbete eller studier", masked(report["work_or_studies_exits"])],
        [
            "Andel av alla avslut till arbete eller studier",
            _derived(
                report["work_or_studies_share"], report["work_or_studies_exits"], report["exited"]
            ),
        ],
        [
            "Genomströmningstid, medel (mån)",
            _derived(report["throughput_months_mean"], *time_basis),
        ],
        [
            "Genomströmningstid, median (mån)",
            _derived(report["throughput_months_median"], *time_basis),
        ],
        ["Kostnad under perioden (kr)", kronor(report["cost"])],
        [
            "Kostnad per betjänad deltagare (kr)",
            _derived(kronor(report["cost_per_participant"]), report["served"]),
        ],
        [
            "Kostnad per deltagare i mål (kr)",
            _derived(kronor(report["cost_per_goal"]), report["goal_exits"]),
        ],
    ]
    notes = [f"Måldefinition: {report['goal_definition']}"]
    return Section("Resultat och genomströmning", ["Mått", "Värde"], rows, notes)


def _gender(report: dict) -> Section:
    rows = [
        [label] + [masked(report["gender"][key].get(code, 0)) for code in GENDER_COLUMNS]
        for key, label in GENDER_ROWS.items()
    ]
    return Section("Kön", ["", *GENDER_COLUMNS.values()], rows)


def _scb(report: dict) -> Section:
    counts = report["scb_reconciliation"]
    if not any(counts.values()):
        notes = ["Insatsen har inga deltagare i aktuella ESF-rapporter till SCB."]
        return Section("Avstämning mot SCB (ESF)", ["Personer", "Antal"], [], notes)
    rows = [[label, masked(counts[key])] for key, label in SCB_LABELS.items()]
    notes = ["Skillnader mellan ärendesystem och SCB-rapport är ett resultat, inte ett fel."]
    return Section("Avstämning mot SCB (ESF)", ["Personer", "Antal"], rows, notes)


def _budget(report: dict) -> Section:
    rows = [
        [line["cost_line"], *(kronor(line[key]) for key in list(BUDGET_COLUMNS)[1:])]
        for line in report["budget"]
    ]
    title = f"Ekonomi {report['budget_year']}: budget, utfall och prognos"
    if not rows:
        notes = [f"Ingen budget för {report['budget_year']} finns i lagret för insatsen."]
        return Section(title, list(BUDGET_COLUMNS.values()), [], notes)
    notes = [f"Utfall till och med {report['budget_as_of']}."]
    if report.get("forecast_date"):
        notes.append(f"Prognos lämnad {report['forecast_date']}.")
    return Section(title, list(BUDGET_COLUMNS.values()), rows, notes)


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


def title(report: dict) -> str:
    return f"Periodrapport {report['insats']}"


def subtitle(report: dict) -> list[tuple[str, str]]:
    """The facts every page states: insats, unit, period and data version."""
    return [
        ("Insats", report["insats"]),
        ("Enhet", report["unit"]),
        ("Period", f"{report['period_from']} – {report['period_to']}"),
        ("Data publicerade", str(report.get("published_at") or "okänt")),
    ]
