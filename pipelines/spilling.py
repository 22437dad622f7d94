"""Personnummer never reach a temp file.

A DuckDB connection that holds them (ingest's staging before pseudonymisation, the
malformed-line probe, the key rotation's staging) has no temp directory: over its memory
limit DuckDB fails instead of spilling them to disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

SETTING, NO_TEMP_DIRECTORY = "temp_directory", ""
# For connections that hold personnummer from the start (`duckdb.connect(config=...)`).
NEVER_SPILLING: dict[str, str] = {SETTING: NO_TEMP_DIRECTORY}


@contextmanager
def never_spilling(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """No temp directory while the block runs, on a connection that may spill before and
    after it (the key rotation stages personnummer, then rewrites pseudonyms only)."""
    [(previous,)] = con.execute(f"select current_setting('{SETTING}')").fetchall()
    con.execute(f"set {SETTING} = $value", {"value": NO_TEMP_DIRECTORY})
    try:
        yield
    finally:
        con.execute(f"set {SETTING} = $value", {"value": previous})
