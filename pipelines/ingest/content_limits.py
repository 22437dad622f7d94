"""Check a delivery's bytes against the limits before any parser may expand them.

Text: wide encodings (UTF-16/32) get their own reason, then the header's column count and
every physical line's length are measured on the bytes (linear, no copy). Workbooks: the
zip directory (member count, decompressed sizes, compression ratios) is read before any
member is, then every XML member is stream-scanned, bounded, for the cell and row
references calamine would expand (`<dimension>` alone can lie, and cells may omit `r`).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from pipelines.ingest.file_bytes import Content
from pipelines.ingest.landing import LandedFile, safe_name
from pipelines.ingest.limits import Limits, exceeded
from pipelines.ingest.unreadable import UnreadableFileError

WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
SAMPLE_BYTES = 4096
DELIMITERS = (b";", b",", b"\t")
CENTRAL_DIRECTORY_ENTRY = b"PK\x01\x02"
SCAN_CHUNK = 1 << 20
MAX_TAG_BYTES = 1 << 16
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)
# Cell, row, shared-string and dimension tags of SpreadsheetML, any namespace prefix.
XML_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|si|dimension)[\s/>]([^>]*)")
REFERENCE = re.compile(rb"(?:^|\s)(?:r|ref)\s*=\s*[\"']([^\"']*)[\"']")
CELL_REFERENCE = re.compile(rb"([A-Za-z]{0,4})(\d{0,9})$")


def wide_encoding(content: Content) -> tuple[str, str, str] | None:
    """(encoding, how it shows in Swedish, in English) of a UTF-16/32 text, else None."""
    for bom, name in WIDE_BOMS:
        if content.startswith(bom):
            return name, "byteordningsmärke", "byte-order mark"
    sample = content[:SAMPLE_BYTES]
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        units = len(sample) // width
        if units >= 4:
            used = units * width
            shares = sorted(sample[i:used:width].count(0) / units for i in range(width))
            if shares[0] < 0.1 and shares[1] > 0.7:
                return name, "NUL-tecken i varannan byte", "NUL bytes between the characters"
    return None


def check_encoding(content: Content) -> None:
    """A wide-encoded text file gets its true reason, not "binary data"."""
    wide = wide_encoding(content)
    if wide:
        name, how_sv, how_en = wide
        raise UnreadableFileError(
            f"{name}-kodad fil ({how_sv}): spara som UTF-8 eller Windows-1252",
            f"{name}-encoded file ({how_en}): save it as UTF-8 or Windows-1252",
        )


def _long_line(content: Content, limit: int) -> tuple[int, int] | None:
    """(line number, length) of the first line longer than `limit` bytes, else None.

    Measured a chunk at a time, its lines split and measured in C: a national kind F
    extract has 40 million lines, and a `find` per line cost minutes of Python. A line
    still open at a chunk's end carries its length into the next.
    """
    newline = b"\n" if b"\n" in content else b"\r"  # LF and CRLF files, or CR-only
    line, carried = 1, 0  # the open line's number and its length before this chunk
    for start in range(0, len(content), SCAN_CHUNK):
        pieces = content[start : start + SCAN_CHUNK].split(newline)
        ended = [carried + len(pieces[0]), *map(len, pieces[1:-1])]
        if len(pieces) > 1 and max(ended) > limit:
            index = next(index for index, length in enumerate(ended) if length > limit)
            return line + index, ended[index]
        carried = len(pieces[-1]) + (carried if len(pieces) == 1 else 0)
        line += len(pieces) - 1
    return (line, carried) if carried > limit else None


def check_text(content: Content, limits: Limits) -> None:
    """Encoding, header column count and line length, measured on the bytes."""
    check_encoding(content)
    end = len(content)
    for newline in (b"\n", b"\r"):
        found = content.find(newline)
        end = found if 0 <= found < end else end
    columns = max(content.count(delimiter, 0, end) for delimiter in DELIMITERS) + 1
    if columns > limits.max_columns:
        raise exceeded(
            "antalet kolumner i rubrikraden",
            "the number of header columns",
            columns,
            limits.max_columns,
        )
    long_line = _long_line(content, limits.max_line_bytes)
    if long_line:
        line, length = long_line
        raise exceeded(
            f"längden på rad {line} (byte; rubrikraden är rad 1)",
            f"the length of line {line} (bytes; the header is line 1)",
            length,
            limits.max_line_bytes,
        )


def not_a_workbook() -> UnreadableFileError:
    return UnreadableFileError(
        "filen kan inte öppnas som Excel-arbetsbok (xlsx): trasig eller fel format",
        "the file cannot be opened as an Excel workbook (xlsx): garbled or wrong format",
    )


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters or "A"


def _position(reference: bytes) -> tuple[int, int] | None:
    """(row, column) of the end of a reference (`B7`, `A1:XFD1048576`), None if absent."""
    match = CELL_REFERENCE.search(reference.split(b":")[-1].strip())
    if not match or not (match[1] or match[2]):
        return None
    column = 0
    for letter in match[1].upper():
        column = column * 26 + letter - ord("A") + 1
    return (int(match[2]) if match[2] else 0), column


@dataclass
class _Extent:
    """How far one XML member reaches: explicit references and implicit positions."""

    member: str
    rows: int = 0
    columns: int = 0
    row: int = 0
    column: int = 0

    def see(self, tag: bytes, attributes: bytes) -> None:
        reference = REFERENCE.search(attributes)
        position = _position(reference[1]) if reference else None
        if tag == b"row":
            self.row = position[0] if position and position[0] else self.row + 1
            self.column = 0
        elif tag == b"c":
            self.row = max(self.row, 1)
            self.column = position[1] if position and position[1] else self.column + 1
            self.rows = max(self.rows, position[0] if position else 0)
        elif tag == b"dimension" and position:
            self.rows, self.columns = max(self.rows, position[0]), max(self.columns, position[1])
        self.rows, self.columns = max(self.rows, self.row), max(self.columns, self.column)

    def check(self, limits: Limits) -> None:
        if (
            self.rows <= limits.max_sheet_rows
            and self.columns <= limits.max_sheet_columns
            and self.rows * self.columns <= limits.max_sheet_cells
        ):
            return
        corner = f"{_column_letters(self.columns)}{self.rows}"
        raise UnreadableFileError(
            f"bladet ({self.member}) sträcker sig till cell {corner}: {self.rows} rader × "
            f"{self.columns} kolumner, gränsen är {limits.max_sheet_rows} rader, "
            f"{limits.max_sheet_columns} kolumner och {limits.max_sheet_cells} celler "
            "(limits.yml / ingest: i konfigurationen)",
            f"the sheet ({self.member}) reaches cell {corner}: {self.rows} rows × "
            f"{self.columns} columns, the limit is {limits.max_sheet_rows} rows, "
            f"{limits.max_sheet_columns} columns and {limits.max_sheet_cells} cells",
        )


def _too_many_items(items: int, limits: Limits) -> UnreadableFileError:
    return exceeded(
        "antalet celler och delade texter i arbetsboken",
        "the number of cells and shared strings in the workbook",
        items,
        limits.max_sheet_cells,
    )


def _complete_tags_end(buffer: bytes) -> int:
    """Where the last complete tag of `buffer` ends (tags never contain `<`)."""
    last_open = buffer.rfind(b"<")
    return len(buffer) if last_open < 0 or buffer.find(b">", last_open) >= 0 else last_open


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> int:
    """Stream one XML member, stop as soon as it reaches too far; returns its cells."""
    extent, items, carry = _Extent(safe_name(info.filename)), 0, b""
    with archive.open(info) as stream:  # zipfile never yields more than the declared size
        while chunk := stream.read(SCAN_CHUNK):
            buffer = carry + chunk
            end = _complete_tags_end(buffer)
            for match in XML_TAG.finditer(buffer, 0, end):
                extent.see(match[1], match[2])
                items += match[1] in (b"c", b"si")
            extent.check(limits)
            if items > limits.max_sheet_cells:
                raise _too_many_items(items, limits)
            carry = buffer[end:]
            if len(carry) > MAX_TAG_BYTES:
                raise not_a_workbook()
    return items


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Sizes and ratios as the zip directory declares them, before anything is inflated."""
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.compression_ratio_from_bytes and (
            ratio > limits.max_compression_ratio
        ):
            raise exceeded(
                f"komprimeringsgraden för {safe_name(info.filename)} i arbetsboken",
                f"the compression ratio of {safe_name(info.filename)} in the workbook",
                f"{ratio:.0f}:1",
                f"{limits.max_compression_ratio}:1",
            )
    unzipped = sum(info.file_size for info in infos)
    if unzipped > limits.max_unzipped_bytes:
        raise exceeded(
            "arbetsbokens uppackade storlek (byte)",
            "the workbook's unpacked size (bytes)",
            unzipped,
            limits.max_unzipped_bytes,
        )


def check_workbook(content: bytes, limits: Limits) -> None:
    """Zip directory, then a bounded scan of every XML member; raises on any limit."""
    members = content.count(CENTRAL_DIRECTORY_ENTRY)
    if members > limits.max_zip_members:
        raise exceeded(
            "antalet delar i arbetsboken (zip)",
            "the number of workbook parts (zip)",
            members,
            limits.max_zip_members,
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            _check_directory(infos, limits)
            items = sum(
                _scan_member(archive, info, limits)
                for info in infos
                if info.filename.lower().endswith(".xml")
            )
    except ZIP_ERRORS:
        raise not_a_workbook() from None
    if items > limits.max_sheet_cells:
        raise _too_many_items(items, limits)


def check_content(landed: LandedFile, limits: Limits) -> None:
    """Every limit of the file's format, before its reader runs."""
    suffix = landed.path.suffix.lower()
    if suffix == ".xlsx":
        check_workbook(bytes(landed.content), limits)
    elif suffix in (".csv", ".txt"):
        check_text(landed.content, limits)
