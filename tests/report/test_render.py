"""The renderers as pure functions of the report dict: every count protected by its cell
key, Swedish number formatting and the workbook's sheets, without a pipeline run."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pipelines.disclosure import MASK, perturbed
from pipelines.figure_catalog import seed_catalog, seed_glossary
from pipelines.report.figures import EXIT_COUNT_KEYS, FLOW_KEYS, report_definitions, small_cells
from pipelines.report.render_markdown import render_markdown, swedish_number
from pipelines.report.render_xlsx import render_xlsx
from tests.report.expected import SHEETS
from tests.spreadsheet_payloads import PAYLOADS, inert, workbook_texts


@pytest.fixture
def report() -> dict:
    """A tertial with small and large cells, shaped as figures.period_report returns it."""
    report = {
        "insats": "Samverkansteam Avesta",
        "unit": "Alla enheter",
        "period_from": "2024-01-01",
        "period_to": "2024-04-30",
        "published_at": "2024-05-02 02:14:00",
        "active_at_start": 120,
        "enrolled": 41,
        "exited": 37,
        "dropouts": 3,
        "active_at_end": 124,
        "served": 161,
        "queue_at_end": 0,
        "exits_by_reason": {"Arbete": 15, "Studier": 9, "Avbrott": 3, "Flytt": 1, "Annat": 9},
        "exits": 37,
        "exits_excluding_dropouts": 34,
        "goal_share_base": 34,
        "goal_exits": 24,
        "goal_share": 24 / 34,
        "goal_exits_including_dropouts": 25,
        "goal_share_including_dropouts": 25 / 37,
        "goal_exits_excluding_dropouts": 24,
        "goal_share_excluding_dropouts": 24 / 34,
        "work_or_studies_exits": 24,
        "work_or_studies_share": 24 / 37,
        "goal_definition": "Arbete eller Studier av avslut utom tidiga avhopp.",
        "throughput_window_start": "2023-05-01",
        "throughput_exits": 80,
        "mean_months": 7.25,
        "median_months": 6.5,
        "cost": 1_234_567.5,
        "cost_per_served": 7668.12,
        "cost_per_goal": 51440.31,
        "gender": {
            "enrolled": {"K": 22, "M": 19},
            "active_at_end": {"K": 70, "M": 52, "okänt": 2},
            "served": {"K": 90, "M": 69, "okänt": 2},
        },
        "scb_reconciliation": {"both_sources": 0, "only_case_system": 0, "only_scb": 0},
        "scb_reconciliation_all_time": {"both_sources": 0, "only_case_system": 0, "only_scb": 0},
        "budget_year": 2024,
        "budget_as_of": "2024-04-30",
        "forecast_date": "2024-03-31",
        "budget": [
            {
                "cost_line": "Personal",
                "budget": 900000.0,
                "actual_to_date": 301234.5,
                "difference": 598765.5,
                "full_year_forecast": 920000.0,
                "forecast_result": -20000.0,
            },
            {
                "cost_line": "Totalt",
                "budget": 900000.0,
                "actual_to_date": 301234.5,
                "difference": 598765.5,
                "full_year_forecast": 920000.0,
                "forecast_result": -20000.0,
            },
        ],
    }
    report["figures"], report["glossary"] = report_definitions(seed_catalog(), seed_glossary())
    report["small_cells"] = small_cells(report)
    report["cell_keys"] = cell_keys(report)
    return report


def key(name: str) -> int:
    """A fixed cell key per cell, as dbt would give the same persons."""
    return sum(map(ord, name)) * 37 % 256


def cell_keys(report: dict) -> dict:
    return {
        **{name: key(name) for name in FLOW_KEYS + EXIT_COUNT_KEYS},
        "exits_by_reason": {reason: key(reason) for reason in report["exits_by_reason"]},
        "gender": {
            group: {code: key(group + code) for code in ("K", "M", "okänt")}
            for group in report["gender"]
        },
        "scb_reconciliation": {name: 0 for name in report["scb_reconciliation"]},
        "scb_reconciliation_all_time": {name: 0 for name in report["scb_reconciliation"]},
    }


def shown(report: dict, name: str) -> str:
    """A count as the Markdown shows it: perturbed by its cell key."""
    return str(perturbed(report[name], key(name)))


def test_small_cells_names_counts_of_one_to_four(report: dict) -> None:
    assert set(report["small_cells"]) == {
        "dropouts",
        "exits_by_reason.Avbrott",
        "exits_by_reason.Flytt",
        "gender.active_at_end.okänt",
        "gender.served.okänt",
    }


def test_markdown_perturbs_every_count_and_keeps_zero(report: dict) -> None:
    text = render_markdown(report)
    flytt = perturbed(1, key("Flytt"))
    assert flytt in (0, 5) and f"| Flytt | {flytt} |" in text
    assert f"| Arbete | {perturbed(15, key('Arbete'))} |" in text
    assert f"| Tidiga avhopp | {shown(report, 'dropouts')} |" in text
    assert "| I kö vid periodens slut | 0 |" in text
    women, men = perturbed(70, key("active_at_endK")), perturbed(52, key("active_at_endM"))
    unknown = perturbed(2, key("active_at_endokänt"))
    assert f"| Aktiva vid periodens slut | {women} | {men} | {unknown} |" in text
    assert "summor och samband stämmer inte alltid exakt" in text


def test_shares_are_computed_on_the_perturbed_counts(report: dict) -> None:
    report["goal_exits"], report["goal_share"] = 4, 4 / 34
    goal, base = perturbed(4, key("goal_exits")), perturbed(34, key("goal_share_base"))
    share = f"{goal / base * 100:.1f}".replace(".", ",")
    assert f"| Andel i mål | {share}\u00a0% |" in render_markdown(report)


def test_goal_share_rests_on_its_own_base(report: dict) -> None:
    """With dropouts in the goal base, the share is the perturbed goal exits over the
    perturbed base (the catalogue's basis, not a hand-written one)."""
    report["goal_share_base"] = 30
    goal, base = perturbed(24, key("goal_exits")), perturbed(30, key("goal_share_base"))
    share = f"{goal / base * 100:.1f}".replace(".", ",")
    assert f"| Andel i mål | {share}\u00a0% |" in render_markdown(report)


def test_means_on_few_persons_are_not_shown(report: dict) -> None:
    report["throughput_exits"] = 3
    text = render_markdown(report)
    assert f"| Genomströmningstid, medel (månader) | {MASK} |" in text or (
        f"| {report['figures']['mean_months']['label']} | {MASK} |" in text
    )


def test_labels_and_definitions_come_from_the_catalogue(report: dict) -> None:
    report["figures"]["served"]["label"] = "Betjänade (ändrad i katalogen)"
    report["figures"]["served"]["definition"] = "En ändrad definition."
    text = render_markdown(report)
    assert f"| Betjänade (ändrad i katalogen) | {shown(report, 'served')} |" in text
    assert "- Betjänade (ändrad i katalogen): En ändrad definition." in text


def test_markdown_states_period_definition_and_budget(report: dict) -> None:
    text = render_markdown(report)
    assert "**Period:** 2024-01-01 – 2024-04-30" in text
    assert "Måldefinition: Arbete eller Studier av avslut utom tidiga avhopp." in text
    nb = "\u00a0"
    assert f"| Personal | 900{nb}000 | 301{nb}235 | 598{nb}766 | 920{nb}000 | -20{nb}000 |" in text
    assert "## Definitioner" in text


def test_swedish_number_formats() -> None:
    assert swedish_number(1234567) == "1\u00a0234\u00a0567"
    assert swedish_number(7.75) == "7,8"
    assert swedish_number(None) == "–"
    assert swedish_number(0.5, share=True) == "50,0\u00a0%"


def test_workbook_sheets_and_protected_cells(report: dict, tmp_path: Path) -> None:
    path = tmp_path / "rapport.xlsx"
    path.write_bytes(render_xlsx(report))
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == SHEETS
    reasons = {
        row[0]: row[1] for row in workbook.get_sheet_by_name("Avslutsorsaker").to_python()[3:]
    }
    assert reasons["Flytt"] == perturbed(1, key("Flytt"))
    assert reasons["Arbete"] == perturbed(15, key("Arbete"))
    cover = workbook.get_sheet_by_name("Rapport").to_python()
    assert ["Period", "2024-01-01 – 2024-04-30"] in [row[:2] for row in cover]


def test_markdown_says_what_is_missing_instead_of_empty_tables(report: dict) -> None:
    """No ESF reports: the SCB section says so instead of a table of zeros."""
    text = render_markdown(report)
    assert "Insatsen har inga deltagare i aktuella ESF-rapporter till SCB." in text
    assert "| I både ärendesystem och SCB-rapport |" not in text


def test_workbook_text_from_the_data_never_becomes_a_formula(report: dict) -> None:
    """Insats, unit (cover sheet), exit reasons and cost lines come from agencies' data."""
    report["insats"], report["unit"] = PAYLOADS[0], PAYLOADS[1]
    report["exits_by_reason"] = {payload: 15 for payload in PAYLOADS}
    report["cell_keys"] = cell_keys(report)
    report["budget"][0]["cost_line"] = PAYLOADS[2]
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    texts = workbook_texts(workbook)
    assert {inert(payload) for payload in PAYLOADS} <= texts
    cover = {row[0]: row[1] for row in workbook["Rapport"].iter_rows(values_only=True)}
    assert cover["Insats"] == inert(PAYLOADS[0])
    budget = workbook["Ekonomi"]
    forecast_result = [row for row in budget.iter_rows() if row[0].value == inert(PAYLOADS[2])]
    assert forecast_result[0][-1].data_type == "n"
    assert forecast_result[0][-1].value == -20000  # a negative number stays a number
