"""What a landed file is, read off its folder and name (the agencies' naming contract)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.pseudonym import redact_text

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
}

# Organisation of the kinds whose file name carries none.
FIXED_ORGANISATION = {"population": "scb", "forecast": "forbund"}

LANDING_FOLDERS = sorted({folder for folder, _ in FILE_PATTERNS.values()})


class UnreadableFileError(Exception):
    """A file that cannot be loaded at all; the message is the user-facing reason.

    The message must never contain file content (it could hold a personnummer).
    """

    def __init__(self, swedish: str, english: str) -> None:
        super().__init__(f"{swedish} / {english}")
        self.swedish = swedish
        self.english = english


@dataclass(frozen=True)
class LandedFile:
    """One delivery: where it is, which kind it claims to be, and its identity."""

    path: Path
    folder: str
    source_kind: str | None
    organisation: str | None
    extraction_date: dt.date | None
    content: bytes
    problem: UnreadableFileError | None = None

    @property
    def name(self) -> str:
        """The file name as stored and shown: personnummer-like parts blanked, just in case."""
        return redact_text(self.path.name)

    @property
    def file_id(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


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
    """Source kind, organisation and extraction date of a file, from its folder and name."""
    for kind, (folder, pattern) in FILE_PATTERNS.items():
        match = pattern.fullmatch(path.name)
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


def read_landed(path: Path) -> LandedFile:
    """Read a file's bytes once (its hash is its identity) and classify it."""
    content = path.read_bytes()
    try:
        kind, organisation, extraction_date = classify(path)
    except UnreadableFileError as problem:
        return LandedFile(path, path.parent.name, None, None, None, content, problem)
    return LandedFile(path, path.parent.name, kind, organisation, extraction_date, content)


def landed_files(landing: Path, folder: str) -> list[Path]:
    """Files waiting in one landing folder, oldest name first (quarantine excluded)."""
    directory = landing / folder
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
