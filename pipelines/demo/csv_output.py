"""Write DuckDB query results as Swedish-style CSV exports in the delivery's encoding."""

from __future__ import annotations

import codecs
from pathlib import Path

import duckdb

_CHUNK = 1 << 24


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_csv(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    path: Path,
    *,
    encoding: str,
    trailer: str | None = None,
) -> None:
    """COPY ``sql`` to ``path`` as ``;``-separated text, re-encoded to ``encoding``.

    DuckDB only writes UTF-8; exports arrive as Windows-1252 or UTF-8 with BOM, so the
    file is transcoded in a streaming pass (chunks end on line ends, so no character is
    split). The incremental utf-8-sig encoder writes the BOM once, so a ``trailer`` line
    after the rows goes through the same encoder.
    """
    staging = path.with_name(path.name + ".utf8.tmp")
    con.execute(f"copy ({sql}) to '{staging}' (header, delimiter ';')")
    encoder = codecs.getincrementalencoder(encoding)()
    with staging.open("rb") as source, path.open("wb") as target:
        while block := source.read(_CHUNK):
            block += source.readline()
            target.write(encoder.encode(block.decode("utf-8")))
        if trailer is not None:
            target.write(encoder.encode(trailer))
    staging.unlink()
