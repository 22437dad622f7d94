"""What a warehouse is built from besides the deliveries: the dbt project and the insats
configuration. No figure reads the clock, so a night with no new delivery and the same of
both would publish the same figures again: the nightly schedule skips it instead. (The
quality models' day, `quality_run.as_of`, then stays the last run's until something new
comes; see ARCHITECTURE.md, "Dagster".)"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from pipelines.defs.dbt.project import project_fingerprint
from pipelines.ingest.insats_config import DEFAULTS_FILE


def build_inputs(config: Path) -> str:
    """SHA-256 of the dbt project's content and the configuration (or the built-in defaults
    a run falls back on when the file is missing)."""
    digest = hashlib.sha256(project_fingerprint().encode())
    digest.update(b"\0" + (config if config.exists() else DEFAULTS_FILE).read_bytes())
    return digest.hexdigest()


def published_build_inputs(warehouse: Path) -> str | None:
    """The `build_inputs` the published warehouse was built from; None when unknown."""
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            row = con.execute(
                "select built_from from meta.publication order by published_at desc limit 1"
            ).fetchone()
    except duckdb.Error:  # no warehouse yet, or one published before built_from existed
        return None
    return row[0] if row else None
