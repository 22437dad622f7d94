"""Readers that turn a delivered file into a temporary all-text DuckDB table.

Every reader produces the same shape: one VARCHAR column per delivered heading (as
delivered) plus `row_number` (1-based data row, header is row 0). Typing happens later
in SQL, so one bad cell never stops a file. Error messages never quote file content.
A delivery's text never touches a disk: CSV reaches DuckDB through an in-memory file
system, sheets as Arrow. The readers trust `content_limits` to have bounded the input.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from typing import ClassVar

import duckdb
import pyarrow as pa
import python_calamine
from fsspec.implementations.memory import MemoryFileSystem

from pipelines.ingest.content_limits import check_encoding, not_a_workbook
from pipelines.ingest.landing import UnreadableFileError

UTF8_BOM = b"\xef\xbb\xbf"
OTHER_DELIMITERS = {";": ("semikolon", "semicolon"), ",": ("komma", "comma"), "\t": ("tab", "tab")}


def decode(content: bytes) -> str:
    """The text of a file: UTF-8 with BOM, else strict UTF-8, else Windows-1252."""
    if not content.strip():
        raise UnreadableFileError("filen är tom", "the file is empty")
    check_encoding(content)
    if b"\x00" in content:
        raise UnreadableFileError(
            "filen innehåller binära data (NUL-tecken): trasig eller inte en textfil",
            "the file contains binary data (NUL bytes): garbled or not a text file",
        )
    if content.startswith(UTF8_BOM):
        try:
            return content[len(UTF8_BOM) :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableFileError(
                f"filen anger UTF-8 (BOM) men byte {error.start} är inte giltig UTF-8",
                f"the file claims UTF-8 (BOM) but byte {error.start} is not valid UTF-8",
            ) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            f"filen är varken UTF-8 eller Windows-1252 (byte {error.start})",
            f"the file is neither UTF-8 nor Windows-1252 (byte {error.start})",
        ) from None


class StagedFiles(MemoryFileSystem):
    """In-memory files only the readers use (fsspec's default memory store is shared)."""

    protocol = "finsamstage"
    store: ClassVar[dict] = {}
    pseudo_dirs: ClassVar[list[str]] = [""]

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        return MemoryFileSystem._strip_protocol(path.removeprefix(f"{cls.protocol}://"))


def _attach_staging(con: duckdb.DuckDBPyConnection) -> None:
    if StagedFiles.protocol not in con.list_filesystems():
        con.register_filesystem(StagedFiles())


def _first_bad_line(path: str, options: str) -> int | None:
    """Line number of the first malformed CSV line, found without reading its content.

    Uses its own in-memory connection: the failed read has aborted the caller's transaction.
    It never spills (its rejects table holds the lines as delivered, personnummer included).
    """
    con = duckdb.connect(config={"temp_directory": ""})
    try:
        _attach_staging(con)
        con.execute(
            f"SELECT count(*) FROM read_csv('{path}', {options}, ignore_errors=true, "
            "store_rejects=true, rejects_scan='ingest_rejects_scan', "
            "rejects_table='ingest_rejects_errors')"
        ).fetchall()
        row = con.execute("SELECT min(line) FROM ingest_rejects_errors").fetchall()[0]
    except duckdb.Error:
        return None
    finally:
        con.close()
    return int(row[0]) if row and row[0] is not None else None


def _check_delimiter(headers: list[str], delimiter: str) -> None:
    if len(headers) > 1:
        return
    for other, (swedish, english) in OTHER_DELIMITERS.items():
        if other != delimiter and other in headers[0]:
            expected_sv, expected_en = OTHER_DELIMITERS[delimiter]
            raise UnreadableFileError(
                f"fel avgränsare: rubrikraden är avgränsad med {swedish}, väntat {expected_sv}",
                f"wrong delimiter: the header is separated by {english}, expected {expected_en}",
            )


def split_trailer(text: str, prefix: str) -> tuple[str, list[str]]:
    """The rows of a text and its trailer: the last lines starting with `prefix` (blank
    lines among them ignored). Only trailing lines: such a line among the rows is a row."""
    body, trailer = text, []
    while True:
        kept = body.rstrip()
        head, newline, last = kept.rpartition("\n")
        if not last.lstrip().startswith(prefix):
            return body, trailer
        trailer.insert(0, last.strip())
        body = head + newline


def trailer_lines(content: bytes, prefix: str) -> list[str]:
    """The trailer of a delivered text file (see `split_trailer`)."""
    return split_trailer(decode(content), prefix)[1]


def stage_csv(
    con: duckdb.DuckDBPyConnection,
    content: bytes,
    table: str,
    delimiter: str,
    trailer: str | None = None,
) -> list[str]:
    """Load a delimited file into temp table `table`; returns the delivered headings.

    Trailing lines starting with `trailer` (a kind's summary line) are left out. The
    decoded text is staged as an in-memory file (never a temp file: it holds personnummer)
    and dropped as soon as DuckDB has read it.
    """
    text = decode(content)
    if trailer:
        text = split_trailer(text, trailer)[0]
    path = f"{StagedFiles.protocol}://{uuid.uuid4().hex}.csv"
    StagedFiles().pipe(path, text.encode("utf-8"))
    _attach_staging(con)
    options = (
        f"delim='{delimiter}', header=true, all_varchar=true, quote='\"', escape='\"', "
        "strict_mode=true, null_padding=false"
    )
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_delivered AS "
            f"SELECT * FROM read_csv('{path}', {options})"
        )
    except duckdb.Error:
        line = _first_bad_line(path, options)
        where = f" (rad {line - 1} / row {line - 1})" if line else ""
        raise UnreadableFileError(
            f"filen kan inte tolkas som {OTHER_DELIMITERS[delimiter][0]}avgränsad text: "
            f"fel antal fält eller trasig citering{where}",
            f"the file cannot be parsed as {OTHER_DELIMITERS[delimiter][1]}-separated "
            f"text: wrong number of fields or broken quoting{where}",
        ) from None
    finally:
        StagedFiles().rm(path)
    headers = [row[0] for row in con.execute(f"DESCRIBE {table}_delivered").fetchall()]
    _check_delimiter(headers, delimiter)
    # Insertion order is file order; rowids count from an offset inside a transaction.
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS "
        f"SELECT rowid - (SELECT min(rowid) FROM {table}_delivered) + 1 AS row_number, * "
        f"FROM {table}_delivered"
    )
    return headers


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text a CSV export would have held."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _unique_headers(cells: list[object]) -> list[str]:
    headers: list[str] = []
    for index, cell in enumerate(cells):
        name = _cell_text(cell) or f"kolumn_{index + 1}"
        while name in headers:
            name = f"{name}_{index + 1}"
        headers.append(name)
    return headers


def _sheet_rows(content: bytes, sheet: str) -> list[list[object]]:
    try:
        workbook = python_calamine.load_workbook(io.BytesIO(content))
    except Exception:
        raise not_a_workbook() from None
    names = {re.sub(r"\s+", " ", name.strip().lower()): name for name in workbook.sheet_names}
    actual = names.get(re.sub(r"\s+", " ", sheet.strip().lower()))
    if actual is None:
        raise UnreadableFileError(
            f"bladet '{sheet}' saknas i arbetsboken",
            f"the workbook has no sheet '{sheet}'",
        )
    return workbook.get_sheet_by_name(actual).to_python(skip_empty_area=False)


def stage_sheet(
    con: duckdb.DuckDBPyConnection, content: bytes, sheet: str, table: str
) -> list[str]:
    """Load one xlsx sheet into temp table `table`; returns the delivered headings."""
    rows = _sheet_rows(content, sheet)
    if not rows:
        raise UnreadableFileError(f"bladet '{sheet}' är tomt", f"sheet '{sheet}' is empty")
    headers = _unique_headers(rows[0])
    data = [
        (number, [_cell_text(cell) for cell in row])
        for number, row in enumerate(rows[1:], start=1)
        if any(cell not in (None, "") for cell in row)
    ]
    columns = {"row_number": pa.array([number for number, _ in data], pa.int64())}
    for index, header in enumerate(headers):
        columns[header] = pa.array(
            [cells[index] if index < len(cells) else None for _, cells in data], pa.string()
        )
    con.register(f"{table}_arrow", pa.table(columns))
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_delivered AS SELECT * FROM {table}_arrow"
        )
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {table}_delivered")
    finally:
        con.unregister(f"{table}_arrow")
    return headers


def drop_stage(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Forget a staged file (the text copy of a delivery lives only this long)."""
    con.execute(f"DROP VIEW IF EXISTS {table}")
    con.execute(f"DROP TABLE IF EXISTS {table}_delivered")
