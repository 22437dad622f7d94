"""OWASP CSV-injection payloads, planted in case text to prove no export runs them."""

from __future__ import annotations

import csv
import io
import re

from openpyxl.workbook.workbook import Workbook

PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C notepad'!'A1'",
    '"=1+1"',
    "=1+1;=2+2",
    "-",
]


def inert(payload: str) -> str:
    """The text a payload must become: quoted when a spreadsheet would evaluate it."""
    return "'" + payload if payload[:1] in ("=", "+", "-", "@", "\t", "\r") else payload


def read_csv(content: bytes, delimiter: str) -> list[list[str]]:
    """Rows of an export as a spreadsheet splits them (quoted CR and delimiters kept)."""
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _unescaped(text: str) -> str:
    """Cell text as Excel shows it: openpyxl leaves OOXML escapes such as `_x000D_` (CR)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match[1], 16)), text)


def workbook_texts(workbook: Workbook) -> set[str]:
    """Every text cell of a workbook, after asserting that no cell holds a formula."""
    texts = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    texts.add(_unescaped(cell.value))
    return texts
