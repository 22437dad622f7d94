"""The period report as an Excel workbook: one sheet per section, numbers kept as numbers
so the styrgrupp's secretary can build on them, every person count protected (a mean on
few persons as the text ".."). Every text cell is written as a string with any formula
prefix neutralised (insats, unit and labels come from the data)."""

from __future__ import annotations

import io

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pipelines.report.sections import (
    BREAKDOWN_TITLES,
    COMMENT_TITLE,
    COMPARISON_TITLE,
    FOLLOW_UP_TITLE,
    TREND_TITLE,
    Cell,
    Section,
    definitions,
    sections,
    subtitle,
    title,
)
from pipelines.spreadsheet_safety import XLSX_OPTIONS, write_text

SHEET_NAMES = {
    COMMENT_TITLE: "Kommentar",
    COMPARISON_TITLE: "Jämförelse",
    TREND_TITLE: "Sex tertial",
    "Deltagarflöde": "Deltagarflöde",
    "Avslutsorsaker": "Avslutsorsaker",
    "Resultat och genomströmning": "Resultat",
    "Kön": "Kön",
    "Avstämning mot SCB (ESF)": "Avstämning SCB",
    **{title: title for title in BREAKDOWN_TITLES.values()},
    FOLLOW_UP_TITLE: "Uppföljning",
}
BUDGET_SHEET = "Ekonomi"
# Native charts of the sections that ask for one (Section.chart): Excel's chart type.
CHART_TYPES = {"columns": "column", "rows": "bar"}


def _sheet_name(section: Section) -> str:
    return SHEET_NAMES.get(section.title, BUDGET_SHEET)


def _write_section(workbook: xlsxwriter.Workbook, section: Section, formats: dict) -> None:
    sheet = workbook.add_worksheet(_sheet_name(section))
    _write_table(sheet, 0, section, formats)
    if section.chart and section.rows:
        _add_chart(workbook, sheet, section)
    headings = [len(h) for part in [section, *section.parts] for h in part.columns[1:]]
    sheet.set_column(0, 0, 58)
    sheet.set_column(1, max(len(section.columns), 8), min(max([16, *headings]), 44))


def _add_chart(workbook: xlsxwriter.Workbook, sheet: Worksheet, section: Section) -> None:
    """An Excel chart of the section's table (written from row 0), right of it. Only person
    counts are charted, numbers or blank, and a blank is a gap."""
    chart = workbook.add_chart({"type": CHART_TYPES[section.chart]})
    name, first, last = sheet.get_name(), 3, 2 + len(section.rows)
    columns = len(section.columns) - 1
    if section.chart == "columns":
        for row in range(first, last + 1):
            chart.add_series(
                {
                    "name": [name, row, 0],
                    "categories": [name, 2, 1, 2, columns],
                    "values": [name, row, 1, row, columns],
                }
            )
    else:
        chart.add_series(
            {
                "name": [name, 2, columns],
                "categories": [name, first, 0, last, 0],
                "values": [name, first, columns, last, columns],
            }
        )
        chart.set_x_axis({"reverse": True})  # a bar chart's category axis: first row on top
    chart.set_title({"name": section.title})
    chart.show_blanks_as("gap")
    sheet.insert_chart(1, columns + 2, chart)


def _write_table(sheet: Worksheet, top: int, section: Section, formats: dict) -> int:
    """The section's title, text, table and notes from row `top`, then its parts below;
    returns the first free row after them."""
    write_text(sheet, top, 0, section.title, formats["title" if top == 0 else "subtitle"])
    for offset, line in enumerate(section.text.splitlines(), start=top + 2):
        write_text(sheet, offset, 0, line)
    for col_index, heading in enumerate(section.columns):
        write_text(sheet, top + 2, col_index, heading, formats["header"])
    units = section.units or [None] * len(section.rows)
    for row_index, (row, unit) in enumerate(zip(section.rows, units, strict=True), start=top + 3):
        write_text(sheet, row_index, 0, "" if row[0] is None else row[0])
        for col_index, value in enumerate(row[1:], start=1):
            _write_value(sheet, row_index, col_index, value, unit == "andel", formats)
    text_lines = len(section.text.splitlines())
    notes_top = top + len(section.rows) + 4 if section.columns else top + 2 + text_lines
    for offset, note in enumerate(section.notes, start=notes_top):
        write_text(sheet, offset, 0, note, formats["note"])
    following = notes_top + len(section.notes) + 1
    for part in section.parts:
        following = _write_table(sheet, following, part, formats)
    return following


def _write_value(
    sheet: Worksheet, row: int, col: int, value: Cell, is_share: bool, formats: dict
) -> None:
    """A number as a number (shares as percent), a missing value blank, text as text."""
    if isinstance(value, int | float):
        if isinstance(value, float):
            number_format = formats["share"] if is_share else formats["decimal"]
        else:
            number_format = formats["number"]
        sheet.write_number(row, col, value, number_format)
    elif value is None:
        sheet.write_blank(row, col, None, formats["right"])
    else:
        write_text(sheet, row, col, value, formats["right"])


def _write_cover(workbook: xlsxwriter.Workbook, report: dict, formats: dict) -> None:
    sheet = workbook.add_worksheet("Rapport")
    write_text(sheet, 0, 0, title(report), formats["title"])
    for row_index, (label, value) in enumerate(subtitle(report), start=2):
        write_text(sheet, row_index, 0, label, formats["header"])
        write_text(sheet, row_index, 1, value)
    start = len(subtitle(report)) + 4
    write_text(sheet, start, 0, "Definitioner", formats["header"])
    for offset, text in enumerate(definitions(report), start=start + 1):
        write_text(sheet, offset, 0, text)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 40)


def render_xlsx(report: dict) -> bytes:
    """The workbook as bytes: a cover sheet with period and definitions, then the sections."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **XLSX_OPTIONS})
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "subtitle": workbook.add_format({"bold": True, "font_size": 12}),
        "header": workbook.add_format({"bold": True, "bottom": 1}),
        "number": workbook.add_format({"num_format": "#,##0"}),
        "decimal": workbook.add_format({"num_format": "#,##0.0"}),
        "share": workbook.add_format({"num_format": "0.0%"}),
        "right": workbook.add_format({"align": "right"}),
        "note": workbook.add_format({"italic": True}),
    }
    _write_cover(workbook, report, formats)
    for section in sections(report):
        _write_section(workbook, section, formats)
    workbook.close()
    return buffer.getvalue()
