"""What a landed file is, read off its folder and name (the agencies' naming contract).

The landing folder is a trust boundary: an entry is listed and looked at with `lstat`
only; `file_safety` opens nothing but a regular, visible file. Links, FIFOs, devices,
sockets, folders and hidden files are handed on for quarantine unread; `<name>.part` (an
upload in progress) and files changed less than `settle_seconds` ago are left for later.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import time
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipelines.ingest.file_bytes import Content, content_sha256
from pipelines.ingest.pseudonym import redact_text
from pipelines.ingest.unreadable import UnreadableFileError

# source kind -> (landing folder, file-name pattern with groups `organisation` and `date`)
FILE_PATTERNS: dict[str, tuple[str, re.Pattern[str]]] = {
    "gwa": ("arende", re.compile(r"gwa_(?P<organisation>.+)_(?P<date>\d{8})\.csv", re.I)),
    "register": (
        "arende",
        re.compile(r"register_(?P<organisation>.+)_(?P<date>\d{8})\.xlsx", re.I),
    ),
    "esf": ("scb", re.compile(r"esf_(?P<organisation>.+)_(?P<date>\d{8})\.txt", re.I)),
    "population": ("scb", re.compile(r"befolkning_(?P<date>\d{8})\.csv", re.I)),
    "ledger": (
        "ekonomi",
        re.compile(r"huvudbok_(?P<organisation>.+)_(?P<date>\d{8})\.csv", re.I),
    ),
    "budget": ("ekonomi", re.compile(r"budget_(?P<organisation>\d{4})\.xlsx", re.I)),
    "forecast": ("ekonomi", re.compile(r"prognos_(?P<date>\d{8})\.xlsx", re.I)),
    "income_support": (
        "register",
        re.compile(r"forsorjning_(?P<organisation>.+)_(?P<date>\d{8})\.csv", re.I),
    ),
}

# Organisation of the kinds whose file name carries none.
FIXED_ORGANISATION = {"population": "scb", "forecast": "forbund"}

LANDING_FOLDERS = sorted({folder for folder, _ in FILE_PATTERNS.values()})


PART_SUFFIX = ".part"  # an upload in progress: never read, never quarantined
# Unicode categories never let into a name: controls (newline, escape), format characters
# (bidi overrides), separators, private use, and lone surrogates (undecodable bytes).
UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"}


def has_unsafe_characters(name: str) -> bool:
    return any(unicodedata.category(char) in UNSAFE_CATEGORIES for char in name)


def safe_name(name: str) -> str:
    """A file name fit for logs, reasons, the registry and quarantine.

    Control and other invisible characters become `_` (a newline would forge a log line),
    personnummer-like parts are blanked.
    """
    cleaned = "".join(
        "_" if unicodedata.category(char) in UNSAFE_CATEGORIES else char for char in name
    )
    return redact_text(cleaned)


@dataclass(frozen=True)
class LandedFile:
    """One delivery: where it is, which kind it claims to be, and its identity.

    `identity` is set for entries that were never read (links, FIFOs, oversized files):
    they have no content to hash, so they are registered under their folder and name.
    """

    path: Path
    folder: str
    source_kind: str | None
    organisation: str | None
    extraction_date: dt.date | None
    content: Content
    problem: UnreadableFileError | None = None
    identity: str | None = None

    @property
    def name(self) -> str:
        """The file name as stored and shown: sanitised, personnummer-like parts blanked."""
        return safe_name(self.path.name)

    @cached_property
    def file_id(self) -> str:
        """The content's sha256, hashed once: a file staged in parts names it in every part."""
        return self.identity or content_sha256(self.content)

    def close(self) -> None:
        """Close the file its content is read from (`file_bytes`), once it is handled."""
        if not isinstance(self.content, bytes):
            self.content.close()


def _extraction_date(kind: str, match: re.Match[str]) -> dt.date:
    if kind == "budget":
        # A budget is made before its year; it is valid from the year's first day.
        return dt.date(int(match["organisation"]), 1, 1)
    try:
        return dt.datetime.strptime(match["date"], "%Y%m%d").date()
    except ValueError as error:
        raise UnreadableFileError(
            f"datumet i filnamnet är inte ett giltigt datum ({match['date']})",
            f"the date in the file name is not a valid date ({match['date']})",
        ) from error


def classify(path: Path) -> tuple[str, str, dt.date]:
    """Source kind, organisation and extraction date of a file, from its folder and name.

    Read off the sanitised name, so an organisation never carries a personnummer.
    """
    name = safe_name(path.name)
    for kind, (folder, pattern) in FILE_PATTERNS.items():
        match = pattern.fullmatch(name)
        if folder == path.parent.name and match:
            organisation = FIXED_ORGANISATION.get(kind) or match["organisation"].lower()
            return kind, organisation, _extraction_date(kind, match)
    raise UnreadableFileError(
        "okänt filnamnsmönster: filen motsvarar ingen känd leverans i mappen "
        f"'{path.parent.name}' (se source-formats.md)",
        f"unknown file-name pattern: the file matches no known delivery in folder "
        f"'{path.parent.name}'",
    )


def kind_of(path: Path) -> str | None:
    """The source kind a file claims by folder and name, None when it matches none."""
    try:
        return classify(path)[0]
    except UnreadableFileError:
        return None


class UnsafeLandingError(RuntimeError):
    """A landing sub-folder that is a link or leads outside the landing: nothing is read."""


def landing_directory(landing: Path, folder: str) -> Path | None:
    """`landing/folder` if it is a real folder inside the landing, None if absent."""
    directory = landing / folder
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        return None
    inside = Path(os.path.realpath(directory)).parent == Path(os.path.realpath(landing))
    if not stat.S_ISDIR(info.st_mode) or not inside:
        raise UnsafeLandingError(
            f"Landningsmappen {folder}/ är ingen vanlig mapp i {landing} (en länk?): inget i "
            f"den läses / landing folder {folder}/ is not a plain folder inside the landing"
        )
    return directory


@dataclass(frozen=True)
class LandingEntry:
    """One entry of a landing folder as `lstat` sees it (never followed, never opened)."""

    path: Path
    info: os.stat_result
    settle_seconds: float

    @property
    def age_seconds(self) -> float:
        return time.time() - self.info.st_mtime

    @property
    def is_settling(self) -> bool:
        """A regular file changed too recently: it may still be being written."""
        return stat.S_ISREG(self.info.st_mode) and self.age_seconds < self.settle_seconds


def scan_folder(landing: Path, folder: str, settle_seconds: float) -> list[LandingEntry]:
    """Every entry of one landing folder except `.part` uploads, oldest name first."""
    directory = landing_directory(landing, folder)
    if directory is None:
        return []
    entries = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(PART_SUFFIX):
            continue
        try:
            info = os.lstat(directory / name)
        except FileNotFoundError:  # moved away since listed
            continue
        entries.append(LandingEntry(directory / name, info, settle_seconds))
    return entries


def landed_files(landing: Path, folder: str, settle_seconds: float) -> list[Path]:
    """The entries of one landing folder a run would act on now, oldest name first.

    Regular files to load and every entry to quarantine (links, FIFOs, devices, sockets,
    folders, hidden files); not `.part` uploads nor files changed less than
    `settle_seconds` ago. The quarantine folder is not a landing folder.
    """
    entries = scan_folder(landing, folder, settle_seconds)
    return [entry.path for entry in entries if not entry.is_settling]
