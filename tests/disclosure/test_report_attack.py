"""The attacker test for the period report (issue 15): for every insats, unit and tertial of
the demo, the Markdown and the Excel report are read as a reader with a calculator would,
and no cell describing 1-4 persons may be worked out.

The report states its relations: the flow identity it explains, served = active at the
start + enrolled, the exit reasons and their total, the exits in the flows and in the
reasons, kön, åldersgrupp, remitterande aktör and försörjning vid inskrivning against the
flow figures, and in Uppföljning efter avslut: the income sources
(self-supporting and the others) add up to the covered members, a mature cohort has all
its members covered, ended + lowered + unchanged = covered, every paying party has the
same participants, who are the cohort 12 months after exit. Its inequalities (covered <=
cohort, the return bands <= their base) are relations with a part the report never states
(those not covered, not returned), so they bound a cell but never pin one. The Cell Key
Method promises that no small cell is
shown at its true value, and that what a relation gives for one is a guess: right only where
the noise of its other cells happened to cancel, which the reader cannot tell. The same
attack on the report with the totals left exact (the secondary step switched off) and on
"<5" masking alone (the method before) recovers cells with certainty, or this test could
not fail.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from pipelines.report.figures import (
    BREAKDOWNS,
    EXTENT_FIGURES,
    FLOW_KEYS,
    GENDER_KEYS,
    RETURN_FIGURES,
    SOURCE_FIGURE,
    STATUS_COUNTS,
    STATUS_FIGURES,
    report_from,
)
from pipelines.report.render_markdown import render_markdown
from pipelines.report.render_xlsx import SHEET_NAMES, render_xlsx
from pipelines.report.sections import (
    BREAKDOWN_TITLES,
    EXTENT_TITLE,
    GENDER_COLUMNS,
    PAYMENTS_TITLE,
    RETURNS_TITLE,
    STATUS_TITLE,
)
from pipelines.spreadsheet_safety import neutralise
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
    """Section (or part) title -> row label -> the row's other cells, as the reader reads
    them."""
    tables: dict[str, dict[str, list[object]]] = {}
    title = ""
    for line in text.splitlines():
        if line.startswith(("## ", "### ")):
            title = line.split(" ", 1)[1].strip()
        elif line.startswith("| ") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            tables.setdefault(title, {})[cells[0]] = [shown_value(c) for c in cells[1:]]
    return tables


def workbook_tables(content: bytes, parts: Iterable[str]) -> dict[str, dict[str, list[object]]]:
    """The same from the Excel report: sheet (or part of a sheet, a row holding one of
    `parts`' titles starts one) -> row label -> cells (numbers as numbers)."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    titles = {sheet: title for title, sheet in SHEET_NAMES.items()}
    tables: dict[str, dict[str, list[object]]] = {}
    for name in workbook.sheet_names:
        title = titles.get(name, name)
        for row in workbook.get_sheet_by_name(name).to_python():
            if not row or row[0] in ("", None):
                continue
            if row[0] in parts:
                title = row[0]
                continue
            cells = [int(v) if isinstance(v, float) and v.is_integer() else v for v in row[1:]]
            tables.setdefault(title, {})[str(row[0])] = cells
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
    for dimension in BREAKDOWNS:
        table = tables.get(BREAKDOWN_TITLES[dimension], {})  # no table for nobody
        for index, key in enumerate(GENDER_KEYS):
            parts = [
                # The workbook quotes a label a spreadsheet would evaluate (`-24`).
                Cell(f"{dimension}.{key}.{value}", count, labelled_row(table, value)[index])
                for value, count in report["breakdowns"][dimension][key].items()
            ]
            cells += parts
            relations += [total(parts, flows[key])] if parts else []
    follow_up_cells, follow_up_relations = follow_up_view(report, tables)
    return cells + follow_up_cells, relations + follow_up_relations


def labelled_row(table: Mapping[str, list[object]], label: str) -> list[object]:
    """A row by its label as the data names it, in Markdown or quoted in the workbook."""
    return table[label] if label in table else table[neutralise(label)]


def unstated(name: str, true: int) -> Cell:
    """The part of an inequality the report never states (not covered, not returned)."""
    return Cell(name, true, "?")


def counts(
    path: str, entry: Mapping, figures: Mapping[str, str], labels: Mapping, shown: Mapping
) -> dict[str, Cell]:
    """The counts of one cohort window that the view shows (not those of an immature one)."""
    return {
        name: Cell(f"{path}.{name}", entry[name], shown[labels[figure_id]["label"]])
        for name, figure_id in figures.items()
        if entry.get(name) is not None
    }


def column(table: Mapping[str, list[object]], index: int) -> dict[str, object]:
    return {row_label: cells[index] for row_label, cells in table.items() if len(cells) > index}


def status_view(report: dict, tables: dict) -> tuple[list[Cell], list[Relation], dict]:
    """Status at 6, 12 and 24 months and the income sources of the whole insats."""
    labels, cells, relations, cohorts = report["figures"], [], [], {}
    figures = {name: STATUS_FIGURES[name] for name in STATUS_COUNTS}
    sources_table = tables.get(labels[SOURCE_FIGURE]["label"], {})
    for index, (months, entry) in enumerate(report["follow_up"]["months_after"].items()):
        path = f"follow_up.{months}"
        named = counts(path, entry, figures, labels, column(tables[STATUS_TITLE], index))
        cells += named.values()
        cohorts[months] = named["cohort"]
        no_consent = unstated(f"{path}.no_consent", entry["exits"] - entry["cohort"])
        not_covered = unstated(f"{path}.not_covered", entry["cohort"] - entry["covered"])
        relations += [
            total([named["cohort"], no_consent], named["exits"]),
            total([named["covered"], not_covered], named["cohort"]),
        ]
        if entry["mature"]:
            relations.append(total([named["covered"]], named["cohort"]))
        if entry["by_income_source"]:
            shown = column(sources_table, index)
            sources = {
                source: Cell(f"{path}.source.{source}", persons, shown[source])
                for source, persons in entry["by_income_source"].items()
            }
            cells += sources.values()
            others = [cell for source, cell in sources.items() if source != "Självförsörjande"]
            relations += [
                total(list(sources.values()), named["covered"]),
                total([named["self_supporting"], *others], named["covered"]),
            ]
    return cells, relations, cohorts


def follow_up_view(report: dict, tables: dict) -> tuple[list[Cell], list[Relation]]:
    """Uppföljning efter avslut: its person counts and the relations between them."""
    labels, follow_up = report["figures"], report["follow_up"]
    cells, relations, cohorts = status_view(report, tables)
    returns = follow_up["returns"]
    named = counts(
        "follow_up.returns", returns, RETURN_FIGURES, labels, column(tables[RETURNS_TITLE], 0)
    )
    cells += named.values()
    bands = [cell for name, cell in named.items() if name != "base"]
    rest = unstated("follow_up.returns.rest", returns["base"] - sum(c.true for c in bands))
    relations.append(total([*bands, rest], named["base"]))
    payments = tables[PAYMENTS_TITLE]
    parties = {
        party: Cell(f"follow_up.payments.{party}", entry["participants"], payments[party][0])
        for party, entry in follow_up["payments"].items()
    }
    cells += parties.values()
    if "Alla parter" in parties:
        relations += [
            total([cell], parties["Alla parter"])
            for party, cell in parties.items()
            if party != "Alla parter"
        ]
        relations.append(total([parties["Alla parter"]], cohorts["12"]))
    for index, name in enumerate(("benefit_extent_month_6", "benefit_extent")):
        entry = follow_up[name]
        shown = column(tables[EXTENT_TITLE], index)
        extent = counts(f"follow_up.{name}", entry, EXTENT_FIGURES, labels, shown)
        cells += extent.values()
        not_covered = unstated(f"follow_up.{name}.not_covered", entry["base"] - entry["covered"])
        relations.append(total([extent["covered"], not_covered], extent["base"]))
        if entry["mature"]:
            relations.append(total([extent["covered"]], extent["base"]))
            parts = [extent[part] for part in ("ended", "lowered", "unchanged")]
            relations.append(total(parts, extent["covered"]))
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
        Relation(tuple((c, by_name.get(cell.name, cell)) for c, cell in relation.terms))
        for relation in relations
    ]


@pytest.fixture(scope="module")
def attacks(demo_warehouse: Path) -> dict[str, Attack]:
    """The attack on every report of the demo, as published and with each safeguard off."""
    variants = {name: Attack() for name in ("markdown", "xlsx", "exact_totals", "masked_only")}
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        for insats, unit, start, end in scopes_and_tertials(demo_warehouse):
            report = report_from(con, insats, unit, start, end)
            view = f"{insats} / {unit} / {start}"
            markdown = markdown_tables(render_markdown(report))
            for name, tables in (
                ("markdown", markdown),
                ("xlsx", workbook_tables(render_xlsx(report), markdown)),
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


def test_the_breakdowns_are_attacked(attacks: dict[str, Attack]) -> None:
    """Åldersgrupp, remitterande aktör and försörjning vid inskrivning are in the attack,
    and without the safeguard their small cells are recovered from the flow totals."""
    recovered = attacks["masked_only"].recovered
    for dimension in BREAKDOWNS:
        assert any(f": {dimension}." in name for name in recovered), dimension


def test_the_follow_up_counts_are_attacked(attacks: dict[str, Attack]) -> None:
    """The follow-up section's cells are in the attack, small ones among them, and its
    relations give the reader guesses to test (so the method is tried on them too)."""
    small = [name for name in attacks["masked_only"].recovered if ": follow_up." in name]
    assert small, "no small follow-up cell recovered without the safeguard"
