"""Text a spreadsheet would run as a formula, made inert in every file written for people.

Case text (a caseworker, a unit, a label) comes from agencies' files and could hold
`=HYPERLINK(...)` or `+cmd|...`: opened in Excel, a CSV or xlsx cell starting with `=`,
`+`, `-`, `@`, tab or carriage return runs as a formula. OWASP's remedy, used by every
export: prefix such text with a single quote. Numbers are never touched (a negative amount
stays a number); only text is, so the text "-2+3" is neutralised and the number -2 is not.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Workbook options for every xlsx: strings stay strings, even if a writer calls `write`.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def neutralise(value: Any) -> Any:
    """`value` with a leading quote when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return QUOTE + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headings are neutralised; numeric columns are kept as is."""
    safe = frame.copy()
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if not (
            pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
        ):
            safe.isetitem(position, column.map(neutralise))
    safe.columns = [neutralise(name) for name in safe.columns]
    return safe


def csv_bytes(frame: pd.DataFrame, separator: str) -> bytes:
    """A neutralised CSV as Swedish Excel opens it: UTF-8 with BOM, CRLF line ends.

    CRLF also makes every field holding a carriage return quoted, so no cell can start a
    row of its own (a bare CR would, and "=1" after it would run).
    """
    text = neutralise_frame(frame).to_csv(sep=separator, index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def write_text(
    sheet: Worksheet, row: int, column: int, value: object, cell_format: Any = None
) -> None:
    """Write a text cell that no spreadsheet evaluates: a string, its formula prefix quoted."""
    sheet.write_string(row, column, neutralise(str(value)), cell_format)
