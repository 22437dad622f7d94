"""Quarantine: an unreadable delivery leaves the landing folder with a readable reason."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from pipelines.ingest.landing import LandedFile, UnreadableFileError


def reason_text(landed: LandedFile, problem: UnreadableFileError) -> str:
    """The note a data steward reads beside the file, in Swedish and English."""
    now = dt.datetime.now().isoformat(timespec="seconds")
    return (
        f"Filen {landed.folder}/{landed.name} kunde inte läsas in och har flyttats till "
        f"karantän.\nOrsak: {problem.swedish}.\n"
        "Åtgärd: rätta filen och lägg den i landningsmappen igen; övriga filer har lästs "
        "in som vanligt.\n\n"
        f"The file {landed.folder}/{landed.name} could not be loaded and was moved to "
        f"quarantine.\nReason: {problem.english}.\n"
        "Action: fix the file and drop it in the landing folder again; all other files "
        "were loaded as usual.\n\n"
        f"Tid / time: {now}\n"
    )


def quarantine(landing: Path, landed: LandedFile, problem: UnreadableFileError) -> Path:
    """Move the file to `<landing>/quarantine/<folder>/` with `<file>.reason.txt` beside it."""
    target_dir = landing / "quarantine" / landed.folder
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / landed.name
    if target.exists():
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        target = target_dir / f"{Path(landed.name).stem}.{stamp}{landed.path.suffix}"
    shutil.move(landed.path, target)
    target.with_name(f"{target.name}.reason.txt").write_text(
        reason_text(landed, problem), encoding="utf-8"
    )
    return target
