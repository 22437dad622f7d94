"""Readers for the generated landing used by the demo tests: decode as the spec says."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

BOM = b"\xef\xbb\xbf"


def decode(path: Path) -> tuple[str, str]:
    """(text, encoding): UTF-8 when the file starts with a BOM, else Windows-1252."""
    raw = path.read_bytes()
    if raw.startswith(BOM):
        return raw[len(BOM) :].decode("utf-8"), "utf-8-sig"
    return raw.decode("cp1252"), "cp1252"


def read_rows(path: Path, delimiter: str = ";") -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a delimited export."""
    text, _ = decode(path)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows[0], rows[1:]


def normal(header: str) -> str:
    return header.strip().lower()


def records(path: Path) -> list[dict[str, str]]:
    """Rows keyed by the header as specified, whatever case and spaces the delivery used."""
    header, rows = read_rows(path)
    keys = [normal(name) for name in header]
    return [dict(zip(keys, row, strict=True)) for row in rows]


def sheet(path: Path, name: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def manifest(landing: Path) -> dict[str, Any]:
    return json.loads((landing / "demo_manifest.json").read_text(encoding="utf-8"))


def entries(landing: Path, source_kind: str, current_only: bool = False) -> list[dict[str, Any]]:
    return [
        entry
        for entry in manifest(landing)["files"]
        if entry["source_kind"] == source_kind and (entry["is_current"] or not current_only)
    ]


def data_rows(path: Path) -> list[list[str]]:
    """Data rows of a delimited export without trailer lines (kind F ends with `# ...`)."""
    return [row for row in read_rows(path)[1] if not (row and row[0].startswith("#"))]
