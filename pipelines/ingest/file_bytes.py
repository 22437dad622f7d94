"""A landed file's bytes, read from disk as the ingest uses them rather than held whole.

A national kind F extract is 1.22 GB: read into one `bytes`, it sat beside DuckDB's
staging for the whole file and took the ingest's process over 3 GB at 1 000 000
participants (issue 17). `LandedBytes` offers the `bytes` operations the readers and the
limit checks use (length, indexing and slices, one-byte find/rfind/count, `in`,
startswith, isspace, the sha256) over positioned reads of the open file, with one window
of it cached, so the process holds a window and a staged part whatever the file's size.

The file is read at the size it had when opened, through the descriptor opened then: a
delivery is settled before it is read (untouched for `settle_seconds`) and a new one
replaces a name, which leaves the open file as it was; one that shrinks while read is
unreadable.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from typing import BinaryIO

from pipelines.ingest.unreadable import UnreadableFileError

WINDOW_BYTES = 1 << 22


class LandedBytes:
    """The bytes of an open file of `size` bytes, read a window at a time."""

    def __init__(self, handle: BinaryIO, size: int, window_bytes: int = WINDOW_BYTES) -> None:
        self._handle = handle
        self._size = size
        self._window_bytes = window_bytes
        self._window_start = -1
        self._window = b""

    def close(self) -> None:
        self._handle.close()

    def __len__(self) -> int:
        return self._size

    def _read(self, start: int, stop: int) -> bytes:
        data = os.pread(self._handle.fileno(), stop - start, start)
        if len(data) < stop - start:
            raise UnreadableFileError(
                "filen blev kortare medan den lästes: leverera den igen",
                "the file shrank while it was read: deliver it again",
            )
        return data

    def _window_at(self, position: int) -> tuple[int, bytes]:
        """The cached window holding `position` (read if it is not the cached one)."""
        start = position - position % self._window_bytes
        if start != self._window_start:
            self._window = self._read(start, min(start + self._window_bytes, self._size))
            self._window_start = start
        return start, self._window

    def _windows(self, start: int, end: int) -> Iterator[tuple[int, bytes, int, int]]:
        """(window start, window, from, to) covering `start`..`end`, positions in the window."""
        position = start
        while position < end:
            window_start, window = self._window_at(position)
            stop = min(end, window_start + len(window))
            yield window_start, window, position - window_start, stop - window_start
            position = stop

    def _bounds(self, start: int | None, end: int | None) -> tuple[int, int]:
        """`start`..`end` clipped as `bytes` clips them (negative from the end)."""
        first, last, _ = slice(start, end).indices(self._size)
        return first, max(first, last)

    def __getitem__(self, key: int | slice) -> int | bytes:
        if isinstance(key, int):
            position = key + self._size if key < 0 else key
            if not 0 <= position < self._size:
                raise IndexError("index out of range")
            window_start, window = self._window_at(position)
            return window[position - window_start]
        if key.step not in (None, 1):
            raise ValueError("a landed file is sliced without a step")
        start, stop = self._bounds(key.start, key.stop)
        if start - start % self._window_bytes != (stop - 1) - (stop - 1) % self._window_bytes:
            return self._read(start, stop)  # across windows (a staged part): read once
        return b"".join(window[lo:hi] for _, window, lo, hi in self._windows(start, stop))

    def __bytes__(self) -> bytes:
        """The whole file, for what must parse it at once (a workbook, bounded in size)."""
        return self._read(0, self._size)

    def find(self, byte: bytes, start: int | None = None, end: int | None = None) -> int:
        _single(byte)
        for window_start, window, lo, hi in self._windows(*self._bounds(start, end)):
            found = window.find(byte, lo, hi)
            if found >= 0:
                return window_start + found
        return -1

    def rfind(self, byte: bytes, start: int | None = None, end: int | None = None) -> int:
        _single(byte)
        first, position = self._bounds(start, end)
        while position > first:
            window_start, window = self._window_at(position - 1)
            found = window.rfind(byte, max(first - window_start, 0), position - window_start)
            if found >= 0:
                return window_start + found
            position = window_start
        return -1

    def count(self, byte: bytes, start: int | None = None, end: int | None = None) -> int:
        _single(byte)
        windows = self._windows(*self._bounds(start, end))
        return sum(window.count(byte, lo, hi) for _, window, lo, hi in windows)

    def __contains__(self, byte: bytes) -> bool:
        return self.find(byte) >= 0

    def startswith(self, prefix: bytes) -> bool:
        return self[: len(prefix)] == prefix

    def isspace(self) -> bool:
        windows = self._windows(0, self._size)
        return self._size > 0 and all(window[lo:hi].isspace() for _, window, lo, hi in windows)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for _, window, lo, hi in self._windows(0, self._size):
            digest.update(memoryview(window)[lo:hi])
        return digest.hexdigest()


def _single(byte: bytes) -> None:
    """Searches take one byte (a line break, quote, delimiter or NUL): no match can then
    straddle two windows."""
    if len(byte) != 1:
        raise ValueError("a landed file is searched for one byte at a time")


Content = bytes | LandedBytes


def content_sha256(content: Content) -> str:
    """The registry's file_id of a delivery's content."""
    if isinstance(content, LandedBytes):
        return content.sha256()
    return hashlib.sha256(content).hexdigest()
