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
from collections.abc import Iterator
from typing import ClassVar

import duckdb
import pyarrow as pa
import python_calamine
from fsspec.implementations.memory import MemoryFileSystem

from pipelines.ingest.content_limits import check_encoding, not_a_workbook
from pipelines.ingest.file_bytes import Content
from pipelines.ingest.table_load import literal
from pipelines.ingest.unreadable import UnreadableFileError
from pipelines.spilling import NEVER_SPILLING

UTF8_BOM = b"\xef\xbb\xbf"
CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
DECODE_CHUNK = 1 << 22
OTHER_DELIMITERS = {";": ("semikolon", "semicolon"), ",": ("komma", "comma"), "\t": ("tab", "tab")}


def _first_non_utf8(content: Content, start: int) -> int | None:
    """Offset of the first byte that is not UTF-8, decoded a chunk at a time (a national
    kind F file is 1 GB: decoding it at once held a second copy of it)."""
    position, size = start, len(content)
    while position < size:
        end = min(position + DECODE_CHUNK, size)
        for _ in range(3):  # never cut a character: back up over continuation bytes
            if end < size and 0x80 <= content[end] < 0xC0:
                end -= 1
        try:
            content[position:end].decode("utf-8")
        except UnicodeDecodeError as error:
            return position + error.start
        position = end
    return None


def text_encoding(content: Content) -> tuple[int, str]:
    """Where a file's text starts and its encoding: UTF-8 after a BOM, else strict UTF-8,
    else Windows-1252. Checked without decoding the whole file."""
    if not content or content.isspace():
        raise UnreadableFileError("filen är tom", "the file is empty")
    check_encoding(content)
    if b"\x00" in content:
        raise UnreadableFileError(
            "filen innehåller binära data (NUL-tecken): trasig eller inte en textfil",
            "the file contains binary data (NUL bytes): garbled or not a text file",
        )
    if content.startswith(UTF8_BOM):
        bad = _first_non_utf8(content, len(UTF8_BOM))
        if bad is not None:
            raise UnreadableFileError(
                f"filen anger UTF-8 (BOM) men byte {bad - len(UTF8_BOM)} är inte giltig UTF-8",
                f"the file claims UTF-8 (BOM) but byte {bad - len(UTF8_BOM)} is not valid UTF-8",
            )
        return len(UTF8_BOM), "utf-8"
    if _first_non_utf8(content, 0) is None:
        return 0, "utf-8"
    undefined = [at for byte in CP1252_UNDEFINED if (at := content.find(byte)) >= 0]
    if undefined:
        raise UnreadableFileError(
            f"filen är varken UTF-8 eller Windows-1252 (byte {min(undefined)})",
            f"the file is neither UTF-8 nor Windows-1252 (byte {min(undefined)})",
        )
    return 0, "cp1252"


def decode(content: bytes) -> str:
    """The text of a whole file (see `text_encoding`), as the readers decode each part."""
    start, encoding = text_encoding(content)
    return content[start:].decode(encoding)


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
    con = duckdb.connect(config=NEVER_SPILLING)
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


def _trailer_start(content: Content, prefix: bytes) -> tuple[int, list[bytes]]:
    """Where the trailer of a text begins and its lines: the last lines starting with
    `prefix` (blank lines among them ignored). Only trailing lines: such a line among the
    rows is a row. Found from the end, without copying the file."""
    body_end, trailer = len(content), []
    while True:
        end = body_end
        while end and content[end - 1 : end].isspace():
            end -= 1
        line_start = content.rfind(b"\n", 0, end) + 1
        last = content[line_start:end]
        if not last.lstrip().startswith(prefix):
            return body_end, trailer
        trailer.insert(0, last.strip())
        body_end = line_start


def trailer_lines(content: Content, prefix: str) -> list[str]:
    """The trailer of a delivered text file (see `_trailer_start`)."""
    _, encoding = text_encoding(content)
    lines = _trailer_start(content, prefix.encode(encoding))[1]
    return [line.decode(encoding) for line in lines]


def _record_end(content: Content, start: int, at_least: int, end: int) -> int:
    """Just past the first line break at or after `at_least` (before `end`) that ends a
    record: outside quotes, i.e. after an even number of quote marks since `start`. A
    quoted field may hold line breaks; an escaped quote is two marks. Quote and line break
    are single bytes that no UTF-8 or Windows-1252 character contains."""
    open_quotes, position = content.count(b'"', start, at_least) % 2, at_least
    while (line_end := content.find(b"\n", position, end)) != -1:
        open_quotes = (open_quotes + content.count(b'"', position, line_end)) % 2
        if not open_quotes:
            return line_end + 1
        position = line_end + 1
    return end


def _spans(content: Content, start: int, end: int, part_bytes: int | None) -> list[tuple[int, int]]:
    """The header line's span, then the rows' in parts of about `part_bytes` (one if None)."""
    header_end = _record_end(content, start, start, end)
    spans, position = [(start, header_end)], header_end
    while position < end or len(spans) == 1:
        at_least = end if part_bytes is None else position + part_bytes
        stop = _record_end(content, position, at_least, end)
        spans.append((position, stop))
        position = stop
    return spans


def _read_part(
    con: duckdb.DuckDBPyConnection,
    text: str,
    table: str,
    delimiter: str,
    rows_before: int,
    headings: list[str] | None,
) -> None:
    """Temp table `{table}_delivered` from one part's text (its header line included).

    The text is staged as an in-memory file (never a temp file: it holds personnummer) and
    dropped as soon as DuckDB has read it. A later part gets the first part's `headings` as
    its columns: DuckDB's sniffer would otherwise guess them from that part alone.
    """
    path = f"{StagedFiles.protocol}://{uuid.uuid4().hex}.csv"
    StagedFiles().pipe(path, text.encode("utf-8"))
    _attach_staging(con)
    options = (
        f"delim='{delimiter}', header=true, all_varchar=true, quote='\"', escape='\"', "
        "strict_mode=true, null_padding=false"
    )
    if headings:
        columns = ", ".join(f"{literal(name)}: 'VARCHAR'" for name in headings)
        options += f", columns={{{columns}}}"
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_delivered AS "
            f"SELECT * FROM read_csv('{path}', {options})"
        )
    except duckdb.Error:
        line = _first_bad_line(path, options)
        where = f" (rad {rows_before + line - 1} / row {rows_before + line - 1})" if line else ""
        raise UnreadableFileError(
            f"filen kan inte tolkas som {OTHER_DELIMITERS[delimiter][0]}avgränsad text: "
            f"fel antal fält eller trasig citering{where}",
            f"the file cannot be parsed as {OTHER_DELIMITERS[delimiter][1]}-separated "
            f"text: wrong number of fields or broken quoting{where}",
        ) from None
    finally:
        StagedFiles().rm(path)


def stage_csv_parts(
    con: duckdb.DuckDBPyConnection,
    content: Content,
    table: str,
    delimiter: str,
    trailer: str | None,
    part_bytes: int | None,
) -> Iterator[list[str]]:
    """Stage a delimited file as temp view `table` one part at a time: yields the
    delivered headings once a part is staged, for the caller to load it before the next.

    Parts are about `part_bytes` (None: the whole file is one part). Rows are numbered
    through the whole file. Trailing lines starting with `trailer` (a kind's summary line)
    are left out. Only one part's text is decoded at a time.
    """
    start, encoding = text_encoding(content)
    end = _trailer_start(content, trailer.encode(encoding))[0] if trailer else len(content)
    (header_start, header_end), *parts = _spans(content, start, end, part_bytes)
    header, rows_before, headings = content[header_start:header_end], 0, None
    for part_start, part_end in parts:
        text = (header + content[part_start:part_end]).decode(encoding)
        _read_part(con, text, table, delimiter, rows_before, headings)
        del text
        headings = [row[0] for row in con.execute(f"DESCRIBE {table}_delivered").fetchall()]
        _check_delimiter(headings, delimiter)
        # Insertion order is file order; rowids count from an offset inside a transaction.
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT rowid - (SELECT min(rowid) "
            f"FROM {table}_delivered) + {rows_before + 1} AS row_number, * "
            f"FROM {table}_delivered"
        )
        [(rows,)] = con.execute(f"SELECT count(*) FROM {table}_delivered").fetchall()
        yield headings
        rows_before += rows


def stage_csv(
    con: duckdb.DuckDBPyConnection,
    content: Content,
    table: str,
    delimiter: str,
    trailer: str | None = None,
) -> list[str]:
    """Stage a whole delimited file as temp view `table` at once (`stage_csv_parts`);
    returns the delivered headings."""
    return next(stage_csv_parts(con, content, table, delimiter, trailer, part_bytes=None))


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
    con: duckdb.DuckDBPyConnection, content: Content, sheet: str, table: str
) -> list[str]:
    """Load one xlsx sheet into temp table `table`; returns the delivered headings."""
    rows = _sheet_rows(bytes(content), sheet)
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
