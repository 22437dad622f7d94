"""A landed file's bytes are read from disk as used (`pipelines/ingest/file_bytes.py`):
every operation the readers use answers as on the file's `bytes`, across window edges,
and an ingest's Python memory follows its windows and parts, not the file."""

from __future__ import annotations

import hashlib
import random
import tracemalloc
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.content_limits import SCAN_CHUNK, check_text
from pipelines.ingest.file_bytes import LandedBytes
from pipelines.ingest.file_safety import open_landed
from pipelines.ingest.landing import scan_folder
from pipelines.ingest.limits import load_limits
from pipelines.ingest.readers import stage_csv_parts, text_encoding, trailer_lines
from pipelines.ingest.unreadable import UnreadableFileError

WINDOW = 7  # smaller than a line: every search crosses window edges


def _landed_bytes(path: Path, data: bytes) -> LandedBytes:
    path.write_bytes(data)
    return LandedBytes(path.open("rb"), len(data), window_bytes=WINDOW)


def test_every_operation_answers_as_the_bytes(tmp_path: Path) -> None:
    rng = random.Random(17)
    data = bytes(rng.choice(b'ab;"\n \r') for _ in range(200))
    content = _landed_bytes(tmp_path / "f.csv", data)
    bounds = [None, 0, 1, 6, 7, 8, 13, 14, 99, 199, 200, 250, -1, -8, -300]
    for start in bounds:
        for end in bounds:
            assert content[start:end] == data[start:end], (start, end)
            for byte in (b"\n", b'"', b";", b"x"):
                assert content.find(byte, start, end) == data.find(byte, start, end)
                assert content.rfind(byte, start, end) == data.rfind(byte, start, end)
                assert content.count(byte, start, end) == data.count(byte, start, end)
    assert [content[i] for i in range(-200, 200)] == [data[i] for i in range(-200, 200)]
    assert (b"\n" in content, b"x" in content) == (True, False)
    assert content.startswith(data[:9]) and not content.startswith(b"x" + data[:8])
    assert bytes(content) == data and len(content) == 200
    assert content.sha256() == hashlib.sha256(data).hexdigest()
    assert not content.isspace()
    assert _landed_bytes(tmp_path / "s.csv", b" \n\r\n  " * 5).isspace()
    assert not _landed_bytes(tmp_path / "e.csv", b"").isspace()
    with pytest.raises(IndexError):
        content[200]


def test_the_readers_read_a_landed_file_as_its_bytes(tmp_path: Path) -> None:
    text = "namn;värde\n" + "".join(f'"rad {i}\n";{i}\n' for i in range(40)) + "#S: 40\n"
    for encoding in ("utf-8", "cp1252"):
        data = text.encode(encoding)
        content = _landed_bytes(tmp_path / f"{encoding}.csv", data)
        assert text_encoding(content) == text_encoding(data)
        assert trailer_lines(content, "#S") == trailer_lines(data, "#S") == ["#S: 40"]


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_a_long_line_is_found_across_chunks(tmp_path: Path, ending: bytes) -> None:
    """Lines are measured a chunk at a time: a line crossing chunks counts whole."""
    limits = load_limits(tmp_path / "absent.yml")
    short_lines = SCAN_CHUNK // len(b"a;b" + ending) - 2
    head = (b"a;b" + ending) * short_lines
    long_line = b"c;" + b"x" * limits.max_line_bytes
    for tail, length in (
        (long_line + ending + b"d;e" + ending, len(long_line + ending) - 1),
        (long_line, len(long_line)),
    ):
        content = _landed_bytes(tmp_path / "long.csv", head + tail)
        with pytest.raises(UnreadableFileError, match=f"rad {short_lines + 1}") as raised:
            check_text(content, limits)
        assert f"{length}" in str(raised.value).replace(" ", "")
    check_text(_landed_bytes(tmp_path / "fine.csv", head * 3), limits)


def test_a_file_that_shrinks_while_read_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    content = _landed_bytes(path, b"a;b\n" * 10)
    path.write_bytes(b"a;b\n")
    with pytest.raises(UnreadableFileError, match="shrank while it was read"):
        content[20:30]


def test_an_ingest_holds_windows_and_parts_not_the_file(tmp_path: Path) -> None:
    """A 64 MB text file checked, hashed and staged in 1 MB parts: Python's memory peaks
    far below the file (read whole, it peaked above it)."""
    folder = tmp_path / "landing" / "register"
    folder.mkdir(parents=True)
    line = "person;" + "x" * 990 + "\n"
    (folder / "forsorjning_fk_20240101.csv").write_text("a;b\n" + line * (1 << 16))
    [entry] = scan_folder(tmp_path / "landing", "register", 0)
    limits = load_limits(tmp_path / "absent.yml")
    tracemalloc.start()
    try:
        landed = open_landed(entry, limits)
        assert len(landed.file_id) == 64
        check_text(landed.content, limits)
        with duckdb.connect() as con:
            parts = sum(1 for _ in stage_csv_parts(con, landed.content, "t", ";", None, 1 << 20))
        landed.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert parts > 60
    assert peak < (1 << 26) // 2, f"peak {peak} bytes"
