"""Start the whole pipeline when new files land, without waiting for the night."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from pipelines.defs.schedules import nightly_job
from pipelines.ingest.landing import LANDING_FOLDERS, landed_files
from pipelines.settings import Settings, load_settings


def _waiting_files(landing: Path) -> list[tuple[str, Path]]:
    return [(folder, path) for folder in LANDING_FOLDERS for path in landed_files(landing, folder)]


def landing_fingerprint(landing: Path) -> str:
    """A digest of every waiting file's folder, name, size and modification time.

    Cheap (no file is read) and changes whenever a file lands, is replaced or is moved
    to quarantine, so each new state of the landing folder is looked at exactly once.
    """
    digest = hashlib.sha256()
    for folder, path in _waiting_files(landing):
        stat = path.stat()
        digest.update(f"{folder}/{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def is_published_since_landing(settings: Settings) -> bool:
    """True when the published warehouse is newer than every waiting file.

    Then a run has already seen them all (as after `make run`, or when a file only moved
    to quarantine), and another run would rebuild the same warehouse.
    """
    if not settings.warehouse.exists():
        return False
    published = settings.warehouse.stat().st_mtime_ns
    return all(path.stat().st_mtime_ns <= published for _, path in _waiting_files(settings.landing))


@dg.sensor(
    job=nightly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Startar en körning när nya filer landar i arende/, scb/ eller ekonomi/.",
)
def landing_sensor(context: dg.SensorEvaluationContext):
    settings = load_settings()
    fingerprint = landing_fingerprint(settings.landing)
    if fingerprint == context.cursor:
        return dg.SkipReason("Inga nya filer i landningsmappen.")
    context.update_cursor(fingerprint)
    if is_published_since_landing(settings):
        return dg.SkipReason("Alla filer i landningsmappen finns redan i det publicerade lagret.")
    return dg.RunRequest(run_key=fingerprint)
