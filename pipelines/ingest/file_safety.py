"""Open a landing entry only if it is a plain delivery: the landing is a trust boundary.

A link (even to a file inside), a FIFO, a device, a socket, a folder or a hidden file is
never opened: it is quarantined on what `lstat` says. A regular file is opened with
`O_NOFOLLOW | O_NONBLOCK` and checked again with `fstat` on the descriptor, so swapping
in a link or a FIFO between the look and the open gains nothing and never blocks a run.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from pipelines.ingest.file_bytes import Content, LandedBytes
from pipelines.ingest.landing import (
    LandedFile,
    LandingEntry,
    classify,
    has_unsafe_characters,
    safe_name,
)
from pipelines.ingest.limits import Limits, exceeded
from pipelines.ingest.unreadable import UnreadableFileError

OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
NOT_A_FILE = {
    stat.S_IFLNK: ("en symbolisk länk", "a symbolic link"),
    stat.S_IFDIR: ("en mapp", "a folder"),
    stat.S_IFIFO: ("en namngiven pipe (FIFO)", "a named pipe (FIFO)"),
    stat.S_IFCHR: ("en teckenenhet", "a character device"),
    stat.S_IFBLK: ("en blockenhet", "a block device"),
    stat.S_IFSOCK: ("en socket", "a socket"),
}


def _not_a_file(mode: int) -> UnreadableFileError:
    swedish, english = NOT_A_FILE.get(stat.S_IFMT(mode), ("ingen vanlig fil", "no regular file"))
    return UnreadableFileError(
        f"posten är {swedish}, inte en vanlig fil: den har inte öppnats eller lästs "
        "(länkar följs aldrig; en leverans är en vanlig fil direkt i mappen)",
        f"the entry is {english}, not a regular file: it was never opened or read "
        "(links are never followed; a delivery is a regular file directly in the folder)",
    )


def _too_big(size: int, limits: Limits) -> UnreadableFileError:
    return exceeded("filens storlek (byte)", "the file size (bytes)", size, limits.max_file_bytes)


def entry_problem(name: str, info: os.stat_result, limits: Limits) -> UnreadableFileError | None:
    """Why an entry must not be read, from its name and `lstat`/`fstat` alone."""
    if not stat.S_ISREG(info.st_mode):
        return _not_a_file(info.st_mode)
    if name.startswith("."):
        return UnreadableFileError(
            "dold fil (namnet börjar med punkt): dolda filer läses aldrig in; är den en "
            "leverans, byt namn enligt source-formats.md",
            "hidden file (the name starts with a dot): hidden files are never loaded; if it "
            "is a delivery, rename it as source-formats.md says",
        )
    if has_unsafe_characters(name):
        return UnreadableFileError(
            "filnamnet innehåller styrtecken eller ogiltiga tecken (visade som _)",
            "the file name contains control or invalid characters (shown as _)",
        )
    if info.st_size > limits.max_file_bytes:
        return _too_big(info.st_size, limits)
    return None


HASH_CHUNK = 1 << 20


def content_hash(path: Path) -> str | None:
    """sha256 of a regular file (its registry file_id), streamed; None for any other entry.

    Opened like a delivery (no link followed, no FIFO waited on), for the sensor and the key
    rotation, which must know a file's identity without loading it.
    """
    try:
        descriptor = os.open(path, OPEN_FLAGS)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _open_regular(entry: LandingEntry, limits: Limits) -> LandedBytes:
    """The bytes of a regular file (read as used), opened without following links or
    blocking; the file stays open until the landed file is closed."""
    try:
        descriptor = os.open(entry.path, OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:  # became a link after the look
            raise _not_a_file(stat.S_IFLNK) from None
        raise UnreadableFileError(
            f"filen kunde inte öppnas ({error.strerror})",
            f"the file could not be opened ({error.strerror})",
        ) from None
    handle = os.fdopen(descriptor, "rb")
    info = os.fstat(descriptor)
    problem = entry_problem(entry.path.name, info, limits)
    if problem:
        handle.close()
        raise problem
    return LandedBytes(handle, info.st_size)


def open_landed(entry: LandingEntry, limits: Limits) -> LandedFile:
    """A landed entry classified by name and, only if it is a plain file, opened (its bytes
    are read as they are used: `file_bytes`; close the landed file once handled)."""
    path, naming = entry.path, None
    try:
        kind, organisation, extraction_date = classify(path)
    except UnreadableFileError as problem:
        kind, organisation, extraction_date, naming = None, None, None, problem
    problem = entry_problem(path.name, entry.info, limits)
    content: Content = b""
    if problem is None:
        try:
            content = _open_regular(entry, limits)
        except UnreadableFileError as unreadable:
            problem = unreadable
    folder = path.parent.name
    if problem is None:
        return LandedFile(path, folder, kind, organisation, extraction_date, content, naming)
    # Never read: registered under its place and name, there is no content to hash.
    identity = hashlib.sha256(f"unread:{folder}/{safe_name(path.name)}".encode()).hexdigest()
    return LandedFile(path, folder, kind, organisation, extraction_date, b"", problem, identity)
