"""Quarantine: an unreadable delivery leaves the landing folder with a readable reason.

The entry itself is moved (a link stays a link, its target is never touched), under its
sanitised name, into `<landing>/quarantine/<folder>/`, which must be a real folder of the
landing: a planted link there would carry files and notes elsewhere.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pipelines.ingest.landing import LandedFile, UnsafeLandingError
from pipelines.ingest.unreadable import UnreadableFileError

DEFAULT_ACTION = (
    "rätta filen och lägg den i landningsmappen igen",
    "fix the file and drop it in the landing folder again",
)
NOTE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC


def reason_text(landed: LandedFile, problem: UnreadableFileError) -> str:
    """The note a data steward reads beside the file, in Swedish and English."""
    now = dt.datetime.now().isoformat(timespec="seconds")
    action_sv, action_en = problem.action or DEFAULT_ACTION
    return (
        f"Filen {landed.folder}/{landed.name} kunde inte läsas in och har flyttats till "
        f"karantän.\nOrsak: {problem.swedish}.\n"
        f"Åtgärd: {action_sv}; övriga filer har lästs in som vanligt.\n\n"
        f"The file {landed.folder}/{landed.name} could not be loaded and was moved to "
        f"quarantine.\nReason: {problem.english}.\n"
        f"Action: {action_en}; all other files were loaded as usual.\n\n"
        f"Tid / time: {now}\n"
    )


def _quarantine_folder(landing: Path, folder: str) -> Path:
    """`<landing>/quarantine/<folder>`, created if needed, refused if it leads elsewhere."""
    target_dir = landing / "quarantine" / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    expected = Path(os.path.realpath(landing)) / "quarantine" / folder
    if Path(os.path.realpath(target_dir)) != expected:
        raise UnsafeLandingError(
            f"Karantänmappen {target_dir} leder ut ur landningsmappen (en länk?) / the "
            "quarantine folder leads outside the landing folder"
        )
    return target_dir


def quarantine(landing: Path, landed: LandedFile, problem: UnreadableFileError) -> Path:
    """Move the entry to `<landing>/quarantine/<folder>/` with `<file>.reason.txt` beside it."""
    target_dir = _quarantine_folder(landing, landed.folder)
    target = target_dir / landed.name
    if os.path.lexists(target) or os.path.lexists(f"{target}.reason.txt"):
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        target = target_dir / f"{Path(landed.name).stem}.{stamp}{Path(landed.name).suffix}"
    os.rename(landed.path, target)  # the entry itself, never what a link points to
    note = os.open(f"{target}.reason.txt", NOTE_FLAGS, 0o640)
    with os.fdopen(note, "w", encoding="utf-8") as handle:
        handle.write(reason_text(landed, problem))
    return target
