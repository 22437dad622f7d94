"""The period report as Markdown, for e-mail and the styrgrupp's minutes."""

from __future__ import annotations

from pipelines.report.sections import (
    Section,
    definitions,
    sections,
    subtitle,
    swedish_number,
    title,
)


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


def _demoted(markdown: str, level: int) -> str:
    """People's Markdown under a heading of `level`: its own headings one level below."""
    return "\n".join(
        "#" * level + line if line.startswith("#") else line for line in markdown.splitlines()
    )


def _section(section: Section, level: int) -> list[str]:
    """Heading, table and notes, then the section's parts one heading level down."""
    lines = ["", f"{'#' * level} {section.title}"]
    lines += ["", _demoted(section.text, level)] if section.text else []
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
