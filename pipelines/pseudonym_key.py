"""Which key the work database's pseudonyms were made with, so a changed key is refused.

Pseudonyms from two keys never match: a file re-sent after a key change would keep its old
pseudonyms (its content is already loaded) while new files get new ones, and one person
would become two. So the first ingest records a fingerprint of the key in
`meta.pseudonym_key`, every ingest compares, and only `python -m pipelines.rotate_key`
moves the database to a new key. The fingerprint is the HMAC of a fixed label, computed
with the pseudonyms' own SQL: it identifies the key without revealing it.
"""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines.ingest.pseudonym import hmac_pads, hmac_sql

FINGERPRINT_LABEL = "finsam-pseudonym-key-fingerprint-v1"
SHOWN_DIGITS = 12
DDL = """
create schema if not exists meta;
create table if not exists meta.pseudonym_key (
    fingerprint varchar not null,
    recorded_at timestamp not null
);
"""


class KeyMismatchError(dg.Failure):
    """The configured key is not the one the stored pseudonyms were made with."""

    def __init__(self, stored: str, configured: str) -> None:
        super().__init__(
            description=(
                "Pseudonymiseringsnyckeln har bytts: arbetsdatabasens pseudonymer är gjorda "
                f"med en annan nyckel (fingeravtryck {stored[:SHOWN_DIGITS]}, nu "
                f"{configured[:SHOWN_DIGITS]}). Inga filer lästes in och det publicerade "
                "lagret är oförändrat. Byt tillbaka nyckeln, eller kör `python -m "
                "pipelines.rotate_key --old-key-file <gammal nyckel>` (README: Byte av "
                "nyckel). / The pseudonym key changed: the work database was built with "
                "another key. Nothing was loaded and the published warehouse is unchanged. "
                "Restore the old key or run `python -m pipelines.rotate_key --old-key-file "
                "<old key>`."
            )
        )


def fingerprint(key: bytes) -> str:
    """Hex HMAC-SHA256 of a fixed label under `key`, by the same SQL as every pseudonym."""
    with duckdb.connect() as con:
        row = con.execute(
            f"select {hmac_sql('$label')}", {**hmac_pads(key), "label": FINGERPRINT_LABEL}
        ).fetchone()
    return row[0]


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The recorded fingerprint, None before the first ingest (or in a pre-fingerprint database)."""
    con.execute(DDL)
    row = con.execute("select fingerprint from meta.pseudonym_key").fetchone()
    return row[0] if row else None


def record_fingerprint(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Make `key` the database's key (inside the caller's transaction, if any)."""
    con.execute(DDL)
    con.execute("delete from meta.pseudonym_key")
    con.execute("insert into meta.pseudonym_key values (?, now()::timestamp)", [fingerprint(key)])


def require_matching_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Called before any file is loaded: record the key on first use, refuse another one."""
    stored, configured = stored_fingerprint(con), fingerprint(key)
    if stored is None:
        record_fingerprint(con, key)
    elif stored != configured:
        raise KeyMismatchError(stored, configured)
