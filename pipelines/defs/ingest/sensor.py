"""Start the whole pipeline when new files land, without waiting for the night."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from pipelines.defs.schedules import nightly_job
from pipelines.ingest.landing import LANDING_FOLDERS, landed_files
from pipelines.settings import load_settings


def landing_fingerprint(landing: Path) -> str:
    """A digest of every waiting file's folder, name, size and modification time.

    Cheap (no file is read) and changes whenever a file lands, is replaced or is moved
    to quarantine, so each new state of the landing folder starts exactly one run.
    """
    digest = hashlib.sha256()
    for folder in LANDING_FOLDERS:
        for path in landed_files(landing, folder):
            stat = path.stat()
            digest.update(f"{folder}/{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    job=nightly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Startar en körning när nya filer landar i arende/, scb/ eller ekonomi/.",
)
def landing_sensor(context: dg.SensorEvaluationContext):
    fingerprint = landing_fingerprint(load_settings().landing)
    if fingerprint == context.cursor:
        return dg.SkipReason("Inga nya filer i landningsmappen.")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
