"""Write sheets to .xlsx the way a team's Excel file looks, reproducibly (fixed metadata)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

STREAMING_ROWS = 5_000


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], saved_on: date) -> None:
    """One sheet per frame, header row first; dates as Excel dates, empty cells left blank.

    Large sheets stream rows to disk (constant_memory), small ones stay in memory, which
    is faster; the creation time is the delivery date so the same seed gives the same bytes.
    """
    large = max(len(frame) for frame in sheets.values()) > STREAMING_ROWS
    options = {
        "constant_memory": large,
        "in_memory": not large,
        "default_date_format": "yyyy-mm-dd",
    }
    with xlsxwriter.Workbook(path, options) as workbook:
        workbook.set_properties({"created": datetime(saved_on.year, saved_on.month, saved_on.day)})
        for name, frame in sheets.items():
            sheet = workbook.add_worksheet(name)
            sheet.write_row(0, 0, list(frame.columns))
            cells = frame.astype(object).where(frame.notna(), None)
            for row, values in enumerate(cells.itertuples(index=False), start=1):
                sheet.write_row(row, 0, values)
