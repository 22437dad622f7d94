"""The period report as PDF, for the styrgrupp's meeting papers: the same sections as
Markdown and Excel, with charts of the trend and the breakdowns drawn from the same
protected tables (a cell that is not a number is a gap, never a zero bar).

The font is the Bitstream Vera that ships with reportlab (å, ä, ö, en dash and
non-breaking space included), so the PDF renders the same on any machine without
system fonts.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

import reportlab
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pipelines.report.sections import (
    Cell,
    Section,
    definitions,
    sections,
    subtitle,
    swedish_number,
    title,
)

FONT_DIR = Path(reportlab.__file__).parent / "fonts"
FONTS = {"ReportSans": "Vera.ttf", "ReportSans-Bold": "VeraBd.ttf", "ReportSans-It": "VeraIt.ttf"}
# What a frame of A4 with 18 mm margins holds inside its 6 pt padding.
WIDTH = A4[0] - 36 * mm - 12
# Bars of one chart, in the order of its rows: calm colours that print in grey too.
PALETTE = ["#1f4e79", "#6fa8dc", "#f6b26b", "#93c47d", "#8e7cc3", "#c27ba0"]


def _register_fonts() -> None:
    for name, file in FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        "ReportSans", normal="ReportSans", bold="ReportSans-Bold", italic="ReportSans-It"
    )


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="ReportSans", fontSize=9, leading=12)
    return {
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName="ReportSans-Bold", fontSize=8),
        "note": ParagraphStyle("note", parent=base, fontName="ReportSans-It", fontSize=7.5),
        "h1": ParagraphStyle("h1", parent=base, fontName="ReportSans-Bold", fontSize=16,
                             leading=20, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName="ReportSans-Bold", fontSize=12,
                             leading=15, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName="ReportSans-Bold", fontSize=10,
                             leading=13, spaceBefore=6, spaceAfter=3),
    }  # fmt: skip


def _number(value: Cell) -> float | None:
    """A chart's value: numbers only, so a masked or missing cell is a gap."""
    return float(value) if isinstance(value, int | float) else None


def _column_chart(section: Section, styles: dict) -> list[Flowable]:
    """One group of bars per column (period), one bar per row (figure), and a legend."""
    drawing = Drawing(WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, WIDTH - 62 * mm, 48 * mm
    chart.data = [[_number(value) for value in row[1:]] for row in section.rows]
    chart.categoryAxis.categoryNames = [str(name) for name in section.columns[1:]]
    _style_axes(chart)
    for index in range(len(section.rows)):
        chart.bars[index].fillColor = colors.HexColor(PALETTE[index % len(PALETTE)])
    legend = Legend()
    legend.x, legend.y = WIDTH - 46 * mm, 52 * mm
    legend.fontName, legend.fontSize = "ReportSans", 7
    legend.columnMaximum = len(section.rows)
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[index % len(PALETTE)]), str(row[0]))
        for index, row in enumerate(section.rows)
    ]
    drawing.add(chart)
    drawing.add(legend)
    return [drawing]


def _row_chart(section: Section, styles: dict) -> list[Flowable]:
    """One horizontal bar per row (value of the breakdown) of the last column's figure."""
    height = max(len(section.rows), 2) * 6 * mm + 12 * mm
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 55 * mm, 8 * mm
    chart.width, chart.height = WIDTH - 70 * mm, height - 12 * mm
    rows = list(reversed(section.rows))  # the chart draws its first category at the bottom
    chart.data = [[_number(row[-1]) for row in rows]]
    chart.categoryAxis.categoryNames = [str(row[0]) for row in rows]
    chart.bars[0].fillColor = colors.HexColor(PALETTE[0])
    _style_axes(chart)
    drawing.add(chart)
    return [Paragraph(escape(f"Diagram: {section.columns[-1]}"), styles["note"]), drawing]


def _style_axes(chart: VerticalBarChart | HorizontalBarChart) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = "ReportSans", 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True


CHARTS = {"columns": _column_chart, "rows": _row_chart}


def _table(section: Section, styles: dict) -> Table:
    units = section.units or [None] * len(section.rows)
    header = [Paragraph(escape(text), styles["head"]) for text in section.columns]
    body = [
        [Paragraph(escape(str(row[0] if row[0] is not None else "")), styles["cell"])]
        + [swedish_number(value, unit == "andel") for value in row[1:]]
        for row, unit in zip(section.rows, units, strict=True)
    ]
    others = len(section.columns) - 1
    first = WIDTH * (0.5 if others <= 2 else 0.34)
    widths = [first] + [(WIDTH - first) / max(others, 1)] * others
    table = Table([header, *body], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "ReportSans", 8),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
            ]
        )
    )
    return table


def _text(markdown: str, styles: dict) -> list[Flowable]:
    """People's Markdown, plainly: headings bold, list items with a bullet, paragraphs."""
    flowables: list[Flowable] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            flowables.append(Paragraph(escape(" ".join(paragraph)), styles["body"]))
            paragraph.clear()

    for line in (line.strip() for line in markdown.splitlines()):
        if line.startswith("#"):
            flush()
            flowables.append(Paragraph(escape(line.lstrip("# ")), styles["h3"]))
        elif line.startswith(("- ", "* ")):
            flush()
            flowables.append(Paragraph("• " + escape(line[2:]), styles["body"]))
        elif line:
            paragraph.append(line)
        else:
            flush()
    flush()
    return flowables


def _section(section: Section, styles: dict, level: int) -> list[Flowable]:
    heading = Paragraph(escape(section.title), styles[f"h{level}"])
    flowables: list[Flowable] = [heading]
    if section.text:
        flowables += _text(section.text, styles)
    if section.chart and section.rows:
        chart = CHARTS[section.chart](section, styles)
        flowables = [KeepTogether([*flowables, *chart]), Spacer(1, 4)]
    if section.rows:
        flowables.append(_table(section, styles))
    flowables += [Paragraph(escape(note), styles["note"]) for note in section.notes]
    for part in section.parts:
        flowables += _section(part, styles, level + 1)
    return flowables


def _footer(text: str):
    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("ReportSans", 7)
        canvas.drawString(18 * mm, 10 * mm, text)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Sida {document.page}")
        canvas.restoreState()

    return draw


def render_pdf(report: dict) -> bytes:
    """The whole report as PDF bytes: title and facts, every section, the definitions."""
    _register_fonts()
    styles = _styles()
    story: list[Flowable] = [Paragraph(escape(title(report)), styles["h1"])]
    facts = [[label, value] for label, value in subtitle(report)]
    facts_table = Table(facts, colWidths=[40 * mm, WIDTH - 40 * mm], hAlign="LEFT")
    facts_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "ReportSans", 9)]))
    story += [facts_table, Spacer(1, 6)]
    for section in sections(report):
        story += _section(section, styles, level=2)
    story.append(Paragraph("Definitioner", styles["h2"]))
    story += [Paragraph(escape(text), styles["note"]) for text in definitions(report)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title(report),
        author=report.get("forbund") or "",
        invariant=True,
    )
    footer = _footer(f"{title(report)} · {report['period_name']}")
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
