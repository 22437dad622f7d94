"""Hostile landing entries, written the way a tester (or an attacker) would make them.

Each builder writes one entry and returns its path. Workbooks are edited at the zip/XML
level, as no spreadsheet library would write them. Every personnummer is synthetic.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

from tests.ingest.fixtures import (
    GWA_HEADER,
    gwa_row,
    gwa_rows,
    ledger_rows,
    osby_register,
    samordningsnummer,
    write_csv,
    write_xlsx,
)

SHEET = "xl/worksheets/sheet1.xml"


def rewrite_sheet(path: Path, edit) -> Path:
    """Rewrite one workbook with its first sheet's XML passed through `edit`."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, edit(data) if info.filename == SHEET else data)
    return path


def _append_row(xml: bytes, row: bytes) -> bytes:
    return xml.replace(b"</sheetData>", row + b"</sheetData>")


def register_with_cell(path: Path, cell: str, row: int) -> Path:
    """A small, valid register plus one cell far away (e.g. XFD1048576)."""
    write_xlsx(path, {"Deltagare": osby_register()})
    extra = f'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'
    return rewrite_sheet(path, lambda xml: _append_row(xml, extra.encode()))


def zip_bomb_register(path: Path, padding_bytes: int = 32 << 20) -> Path:
    """A register whose sheet XML is inflated with whitespace: tiny on disk, huge unzipped."""
    write_xlsx(path, {"Deltagare": osby_register()})
    return rewrite_sheet(path, lambda xml: _append_row(xml, b" " * padding_bytes))


def wide_csv(path: Path, columns: int = 200_000) -> Path:
    """A case export whose header has `columns` fields."""
    header = ";".join([*GWA_HEADER, *(f"x{i}" for i in range(columns - len(GWA_HEADER)))])
    path.write_bytes(header.encode() + b"\r\n")
    return path


def utf16_csv(path: Path, bom: bool = True) -> Path:
    """A clean case export saved as UTF-16 (with or without byte-order mark)."""
    text = "\r\n".join(";".join(row) for row in gwa_rows()) + "\r\n"
    path.write_bytes(text.encode("utf-16" if bom else "utf-16-le"))
    return path


def ledger_with_long_line(path: Path, length: int = 100_000) -> Path:
    """A ledger whose third transaction (line 4) has a `length`-character text."""
    rows = ledger_rows()
    rows[3][-1] = "x" * length
    return write_csv(path, rows)


def symlink(path: Path, target: Path | str) -> Path:
    path.symlink_to(target)
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def gwa_with_rows(path: Path, count: int, rejected: bool = False) -> Path:
    """A case export with `count` enrolments; all rejected (no insats) if asked."""
    rows = [GWA_HEADER]
    for index in range(count):
        pnr = samordningsnummer(dt.date(1970 + index % 30, 1 + index % 12, 1), index, index % 2)
        values = {"Insats": ""} if rejected else {}
        rows.append(gwa_row(f"C-{index}", pnr, **values))
    return write_csv(path, rows)


def age(path: Path, seconds: float) -> Path:
    """Set a file's modification time `seconds` into the past."""
    then = dt.datetime.now().timestamp() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path
