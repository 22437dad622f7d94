"""Which landed deliveries the published warehouse has not loaded, asked of its registry.

The question is asked of `raw.file_registry` in the published warehouse, not of
modification times: a file copied in with an old time (`scp -p`, `rsync -t`, unzip), or one
that landed while a run was going, is still new until its content is loaded. The landing
sensor and the nightly schedule both ask it.
"""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb

from pipelines.defs.resources import Landing
from pipelines.ingest.file_safety import content_hash
from pipelines.ingest.landing import LANDING_FOLDERS, landed_files


def loaded_contents(warehouse: Path) -> set[str]:
    """Content hashes of every delivery the published warehouse has loaded."""
    if not warehouse.exists():
        return set()
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(
                "SELECT file_id FROM raw.file_registry WHERE status = 'loaded'"
            ).fetchall()
    except duckdb.Error:
        return set()
    return {file_id for (file_id,) in rows}


def content_id(path: Path, cache: dict[str, list]) -> str:
    """The registry's identity of a landed entry: its sha256, reused while it is unchanged.

    An entry that is no regular file (a link, a FIFO) is never read: it is new by its name
    until a run has moved it to quarantine.
    """
    info = path.lstat()
    signature = [info.st_size, info.st_mtime_ns, info.st_ino]
    cached = cache.get(str(path))
    if cached and cached[:3] == signature:
        return cached[3]
    digest = content_hash(path) if stat.S_ISREG(info.st_mode) else None
    identity = digest or f"entry:{path}:{info.st_mode}:{info.st_ino}"
    cache[str(path)] = [*signature, identity]
    return identity


def unloaded_deliveries(landing: Landing, warehouse: Path, cache: dict[str, list]) -> list[str]:
    """Identities of the landed entries whose content the warehouse has not loaded.

    `cache` (the sensor's cursor) keeps each entry's hash while its size, time and inode
    stay the same, and forgets entries that left the landing.
    """
    paths = [
        path
        for folder in LANDING_FOLDERS
        for path in landed_files(landing.folder, folder, landing.settle_seconds)
    ]
    landed = {content_id(path, cache) for path in paths}
    for gone in set(cache) - {str(path) for path in paths}:
        del cache[gone]
    return sorted(landed - loaded_contents(warehouse))
