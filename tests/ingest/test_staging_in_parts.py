"""A delimited file staged in parts: the same rows, numbered through the file, as at once."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.ingest.landing import UnreadableFileError
from pipelines.ingest.readers import stage_csv_parts

# Row 2's Text holds a quoted line break and an escaped quote; a trailer ends the file.
CONTENT = (
    'Id;Text\n1;ett\n2;"två\nrader med ""citat"""\n3;tre\n4;fyra\n5;"fem; sex"\n6;sju\n'
    "#SLUT rader: 6\n"
).encode()


def staged(content: bytes, part_chars: int | None) -> list[tuple]:
    """Every staged row (row_number, Id, Text) over all parts, and the headings each time."""
    con = duckdb.connect()
    rows = []
    for headings in stage_csv_parts(con, content, "stage", ";", "#SLUT", part_chars):
        assert headings == ["Id", "Text"]
        rows += con.execute('select row_number, "Id", "Text" from stage').fetchall()
    return rows


@pytest.mark.parametrize("part_chars", [1, 5, 12, 30])
def test_parts_hold_the_rows_of_the_whole_file(part_chars: int) -> None:
    whole = staged(CONTENT, None)
    assert whole == [
        (1, "1", "ett"),
        (2, "2", 'två\nrader med "citat"'),
        (3, "3", "tre"),
        (4, "4", "fyra"),
        (5, "5", "fem; sex"),
        (6, "6", "sju"),
    ]
    assert staged(CONTENT, part_chars) == whole


def test_a_file_of_only_a_header_is_one_empty_part() -> None:
    assert staged(b"Id;Text\n", 1) == []


def test_a_broken_row_in_a_later_part_is_named_by_its_row_in_the_file() -> None:
    content = b"Id;Text\n1;a\n2;b\n3;c\n4;d;extra\n5;e\n"
    with pytest.raises(UnreadableFileError) as raised:
        staged(content, 4)
    assert "row 4" in str(raised.value)
