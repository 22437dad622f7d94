"""The physical limit: every landing file read once into memory, and nothing else.

No pipeline can be faster than reading its input. Delimited files (`.csv`, `.txt`) are read
by DuckDB's `read_csv` (sniffed delimiter, every value as text) into an in-memory table;
workbooks by python-calamine, the reader the ingest uses (DuckDB's `read_xlsx` needs the
excel extension, which is downloaded on first use and so not available offline).
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import python_calamine

DELIMITED = {".csv", ".txt"}
WORKBOOKS = {".xlsx"}
CSV_OPTIONS = "all_varchar=true, ignore_errors=true, null_padding=true, strict_mode=false"


def _delimited_rows(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Rows of a delimited file, read as UTF-8 or, failing that, as Latin-1."""
    for encoding in ("utf-8", "latin-1"):
        try:
            con.execute(
                f"create or replace temp table landed as select * from "
                f"read_csv(?, encoding = '{encoding}', {CSV_OPTIONS})",
                [str(path)],
            )
            break
        except duckdb.Error:
            continue
    else:
        return 0
    [(rows,)] = con.execute("select count(*) from landed").fetchall()
    con.execute("drop table landed")
    return rows


def _workbook_rows(path: Path) -> int:
    workbook = python_calamine.load_workbook(str(path))
    return sum(len(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names)


def read_once(landing: Path) -> dict[str, float | int]:
    """Seconds, files, rows and bytes of reading every landed file once."""
    files = sorted(
        path
        for path in landing.rglob("*")
        if path.is_file() and path.suffix.lower() in DELIMITED | WORKBOOKS
    )
    rows = 0
    start = time.perf_counter()
    # Never spilled to a temp file: the files hold personnummer (as the ingest's connections).
    with duckdb.connect(config={"temp_directory": ""}) as con:
        for path in files:
            rows += (
                _delimited_rows(con, path)
                if path.suffix.lower() in DELIMITED
                else _workbook_rows(path)
            )
    return {
        "seconds": time.perf_counter() - start,
        "files": len(files),
        "rows": rows,
        "bytes": sum(path.stat().st_size for path in files),
    }
