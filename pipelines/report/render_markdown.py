"""The period report as Markdown, for e-mail and the styrgrupp's minutes."""

from __future__ import annotations

from pipelines.report.sections import Cell, Section, definitions, sections, subtitle, title

NO_BREAK_SPACE = "\u00a0"


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


def _table(section: Section) -> list[str]:
    lines = [
        "| " + " | ".join(section.columns) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(section.columns) - 1)) + "|",
    ]
    units = section.units or [None] * len(section.rows)
    for row, unit in zip(section.rows, units, strict=True):
        cells = [str(row[0])] + [swedish_number(value, unit == "andel") for value in row[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _section(section: Section, level: int) -> list[str]:
    """Heading, table and notes, then the section's parts one heading level down."""
    lines = ["", f"{'#' * level} {section.title}"]
    lines += ["", *_table(section)] if section.rows else []
    for note in section.notes:
        lines += ["", f"_{note}_"]
    for part in section.parts:
        lines += _section(part, level + 1)
    return lines


def render_markdown(report: dict) -> str:
    """The whole report: heading, the facts of the period, every section, definitions."""
    lines = [f"# {title(report)}", ""]
    lines += [f"**{label}:** {value}  " for label, value in subtitle(report)]
    for section in sections(report):
        lines += _section(section, level=2)
    lines += ["", "## Definitioner", ""] + [f"- {text}" for text in definitions(report)]
    return "\n".join(lines) + "\n"
