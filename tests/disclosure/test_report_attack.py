"""The attacker test for the period report (issue 15): for every insats, unit and tertial of
the demo, the Markdown and the Excel report are read as a reader with a calculator would,
and no cell describing 1-4 persons may be worked out.

The report states its relations: the flow identity it explains, served = active at the
start + enrolled, the exit reasons and their total, the exits in the flows and in the
reasons, kön against the flow figures. The Cell Key Method promises that no small cell is
shown at its true value, and that what a relation gives for one is a guess: right only where
the noise of its other cells happened to cancel, which the reader cannot tell. The same
attack on the report with the totals left exact (the secondary step switched off) and on
"<5" masking alone (the method before) recovers cells with certainty, or this test could
not fail.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipelines.report.figures import FLOW_KEYS, GENDER_KEYS, period_report
from pipelines.report.render_markdown import render_markdown
from pipelines.report.render_xlsx import SHEET_NAMES, render_xlsx
from pipelines.report.sections import GENDER_COLUMNS
from tests.dashboard.conftest import query
from tests.disclosure.attack import (
    THRESHOLD,
    Attack,
    Cell,
    Relation,
    assert_certain_recovery,
    assert_only_guesses,
    shown_value,
    total,
)

# The share of the reader's guesses from relations that may be right. With the method a
# guess is right only when the noise of the relation's other cells happens to cancel
# (for two cells with noise -2..2 that is 0.05² + 0.2² + 0.5² + 0.2² + 0.05² = 0.345 of
# the time, somewhat more among guesses that land in 1-4), and the reader cannot tell
# which; without it, every guess is certain.
MAX_PRECISION = 0.75


def scopes_and_tertials(warehouse: Path) -> list[tuple[str, str, date, date]]:
    return query(
        warehouse,
        """
        select insats, unit, period_start, period_end from marts.period_flows
        where period_type = 'tertial' and insats <> 'Alla insatser'
        order by insats, unit, period_start
        """,
    )


def markdown_tables(text: str) -> dict[str, dict[str, list[object]]]:
    """Section title -> row label -> the row's other cells, as the reader reads them."""
    tables: dict[str, dict[str, list[object]]] = {}
    title = ""
    for line in text.splitlines():
        if line.startswith("## "):
            title = line[3:].strip()
        elif line.startswith("| ") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            tables.setdefault(title, {})[cells[0]] = [shown_value(c) for c in cells[1:]]
    return tables


def workbook_tables(content: bytes) -> dict[str, dict[str, list[object]]]:
    """The same from the Excel report: sheet -> row label -> cells (numbers as numbers)."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    titles = {sheet: title for title, sheet in SHEET_NAMES.items()}
    tables = {}
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python()
        tables[titles.get(name, name)] = {
            str(row[0]): [int(v) if isinstance(v, float) and v.is_integer() else v for v in row[1:]]
            for row in rows
            if row and row[0] not in ("", None)
        }
    return tables


def report_view(report: dict, tables: dict) -> tuple[list[Cell], list[Relation]]:
    """The report's person counts and the relations it states between them."""
    figures = report["figures"]
    flows_table = tables["Deltagarflöde"]
    flows = {
        key: Cell(key, report[key], flows_table[figures[key]["label"]][0]) for key in FLOW_KEYS
    }
    reasons_table = tables.get("Avslutsorsaker", {})
    reasons = [
        Cell(f"exits_by_reason.{reason}", count, reasons_table[reason][0])
        for reason, count in report["exits_by_reason"].items()
    ]
    reasons_total = Cell("exits", report["exits"], reasons_table.get("Totalt", [0])[0])
    relations = [
        Relation(
            (
                (1, flows["active_at_start"]),
                (1, flows["enrolled"]),
                (-1, flows["exited"]),
                (-1, flows["active_at_end"]),
            )
        ),
        total([flows["active_at_start"], flows["enrolled"]], flows["served"]),
        total(reasons, reasons_total),
        total([flows["exited"]], reasons_total),
    ]
    cells = [*flows.values(), *reasons, reasons_total]
    gender_table = tables["Kön"]
    for key in GENDER_KEYS:
        row = gender_table[figures[key]["label"]]
        parts = [
            Cell(f"gender.{key}.{code}", report["gender"][key].get(code, 0), shown)
            for code, shown in zip(GENDER_COLUMNS, row, strict=True)
        ]
        cells += parts
        relations.append(total(parts, flows[key]))
    return cells, relations


def exact_totals(cells: list[Cell]) -> list[Cell]:
    """The secondary step switched off: only the small cells are perturbed (to 0 or 5). The
    reader knows every other number is exact, and that a 0 or a 5 may hide a small cell."""
    return [
        Cell(c.name, c.true, "?" if c.is_small or c.true in (0, THRESHOLD) else c.true)
        for c in cells
    ]


def masked_only(cells: list[Cell]) -> list[Cell]:
    """The method before: small cells shown as "<5", every other cell exact."""
    return [Cell(c.name, c.true, "<5" if c.is_small else c.true) for c in cells]


def rebuilt(relations: list[Relation], cells: list[Cell]) -> list[Relation]:
    by_name = {cell.name: cell for cell in cells}
    return [
        Relation(tuple((c, by_name[cell.name]) for c, cell in relation.terms))
        for relation in relations
    ]


@pytest.fixture(scope="module")
def attacks(demo_warehouse: Path) -> dict[str, Attack]:
    """The attack on every report of the demo, as published and with each safeguard off."""
    variants = {name: Attack() for name in ("markdown", "xlsx", "exact_totals", "masked_only")}
    for insats, unit, start, end in scopes_and_tertials(demo_warehouse):
        report = period_report(demo_warehouse, insats, unit, start, end)
        view = f"{insats} / {unit} / {start}"
        for name, tables in (
            ("markdown", markdown_tables(render_markdown(report))),
            ("xlsx", workbook_tables(render_xlsx(report))),
        ):
            cells, relations = report_view(report, tables)
            variants[name].add(view, cells, relations)
        for name, change in (("exact_totals", exact_totals), ("masked_only", masked_only)):
            changed = change(cells)
            variants[name].add(view, changed, rebuilt(relations, changed))
    return variants


def test_the_demo_reports_have_small_cells(attacks: dict[str, Attack]) -> None:
    assert attacks["markdown"].small >= 100, attacks["markdown"].small


@pytest.mark.parametrize("form", ["markdown", "xlsx"])
def test_no_small_cell_is_shown_at_its_true_value(attacks: dict[str, Attack], form: str) -> None:
    assert attacks[form].shown_exactly == []


@pytest.mark.parametrize("form", ["markdown", "xlsx"])
def test_relations_give_no_more_than_a_guess(attacks: dict[str, Attack], form: str) -> None:
    assert_only_guesses(attacks[form], MAX_PRECISION)


@pytest.mark.parametrize("safeguard_off", ["exact_totals", "masked_only"])
def test_the_attack_succeeds_without_the_safeguard(
    attacks: dict[str, Attack], safeguard_off: str
) -> None:
    assert_certain_recovery(attacks[safeguard_off])
