"""Staging in parts (`pipelines/ingest/staging.py`): a file typed and pseudonymised part by
part loads exactly as in one part, its staging database holds nothing the raw layer would
not, and no staging database outlives its file, not even one a killed run left."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.engine import ingest
from pipelines.ingest.file_safety import open_landed
from pipelines.ingest.landing import FILE_PATTERNS, LANDING_FOLDERS, scan_folder
from pipelines.ingest.limits import Limits, load_limits
from pipelines.ingest.schema import ensure_raw_schema
from pipelines.ingest.sources import LOADERS
from pipelines.ingest.staging import SUFFIX, staging
from tests.ingest.fixtures import PERSONS, forms, ledger_rows, write_csv, write_landing
from tests.ingest.test_income_support import write_deliveries

KEY = b"test-key"
KINDS = tuple(FILE_PATTERNS)
# Smaller than any row: every row of every text file is a part of its own.
TINY_PARTS = 16
STAMPS = ("loaded_at", "logged_at", "handled_at")


def write_all(landing: Path, config: Path) -> None:
    """Every source kind, kind F with its trailer, and a ledger note with a quoted line
    break and quote marks, so a part boundary must fall outside a quoted field."""
    write_landing(landing, config)
    write_deliveries(landing)
    note = '"Rad ett;\r\n""citat"" och rad två"'  # write_csv writes fields as given
    rows = ledger_rows([["V5", "2024-03-02", "7010", "610", "4711", "1,00", note]])
    write_csv(landing / "ekonomi" / "huvudbok_osby_20240331.csv", rows)


def limits_with_parts(config: Path, part_bytes: int) -> Limits:
    return dataclasses.replace(load_limits(config), stage_part_bytes=part_bytes)


def raw_tables(database: Path) -> dict[str, list[tuple]]:
    """Every raw table's rows, sorted, without the load times."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' ORDER BY 1"
        ).fetchall()
        contents = {}
        for (table,) in tables:
            columns = con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw' "
                "AND table_name = ? ORDER BY column_index",
                [table],
            ).fetchall()
            kept = ", ".join(f'"{name}"' for (name,) in columns if name not in STAMPS)
            contents[table] = con.execute(f"SELECT {kept} FROM raw.{table} ORDER BY ALL").fetchall()
    return contents


def staging_files(database: Path) -> list[Path]:
    return sorted(database.parent.glob(f"{database.name}{SUFFIX}*"))


def load(database: Path, landing: Path, limits: Limits) -> list[str]:
    with duckdb.connect(str(database)) as con:
        report = ingest(con, landing, KEY, KINDS, tuple(LANDING_FOLDERS), limits, 0)
        attached = con.execute(
            "SELECT database_name FROM duckdb_databases() WHERE database_name LIKE 'ingest_%'"
        ).fetchall()
    assert attached == []
    return [outcome.status for outcome in report.outcomes]


def test_a_file_staged_in_parts_loads_as_in_one_part(tmp_path: Path) -> None:
    landing, config = tmp_path / "landing", tmp_path / "insatser.yml"
    write_all(landing, config)
    whole, parts = tmp_path / "whole.duckdb", tmp_path / "parts.duckdb"
    statuses = load(whole, landing, limits_with_parts(config, 1 << 30))
    assert statuses == load(parts, landing, limits_with_parts(config, TINY_PARTS))
    assert statuses.count("loaded") == 13
    in_one, in_parts = raw_tables(whole), raw_tables(parts)
    assert in_parts == in_one
    assert len(in_one["income_support_months"]) == 6
    assert ('Rad ett;\r\n"citat" och rad två',) in [
        row[-1:] for row in in_one["ledger_transactions"]
    ]
    assert in_one["income_support_extracts"]  # persons counted once over parts
    assert staging_files(whole) == staging_files(parts) == []


def test_a_malformed_row_in_a_later_part_is_named_and_nothing_of_the_file_loads(
    tmp_path: Path,
) -> None:
    landing, config = tmp_path / "landing", tmp_path / "insatser.yml"
    write_all(landing, config)
    ledger = landing / "ekonomi" / "huvudbok_osby_20240331.csv"
    short = b"V6;2024-03-03;7010\r\nV7;2024-03-04;7010;610;4711;1,00;Sist\r\n"
    ledger.write_bytes(ledger.read_bytes() + short)
    database = tmp_path / "w.duckdb"
    load(database, landing, limits_with_parts(config, TINY_PARTS))
    with duckdb.connect(str(database), read_only=True) as con:
        status, reason = con.execute(
            "SELECT status, l.reason FROM raw.file_registry JOIN raw.delivery_log AS l "
            "USING (file_id) WHERE l.file_name = ?",
            [ledger.name],
        ).fetchall()[0]
        stored = con.execute(
            "SELECT count(*) FROM raw.ledger_transactions WHERE source_file = ?", [ledger.name]
        ).fetchall()
    assert status == "quarantined" and "rad 6" in reason
    assert stored == [(0,)]
    assert staging_files(database) == []


def test_a_staging_database_holds_no_personnummer(tmp_path: Path) -> None:
    """What a file stages on disk is what the raw layer would hold: pseudonyms, never a
    personnummer in any form (the check also scans the raw layer, where none may be)."""
    landing, config = tmp_path / "landing", tmp_path / "insatser.yml"
    write_all(landing, config)
    leaks = [form for pnr in PERSONS.values() for form in forms(pnr)]
    limits = limits_with_parts(config, TINY_PARTS)
    scanned = 0
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_raw_schema(con)
        cursor = con.cursor()
        for folder in LANDING_FOLDERS:
            for entry in scan_folder(landing, folder, 0):
                landed = open_landed(entry, limits)
                with staging(cursor, 1 << 30, TINY_PARTS) as staged:
                    LOADERS[landed.source_kind](staged, landed, KEY)
                    scanned += _count_leaks(con, staged.database, leaks)
                landed.close()
        assert scanned > 50  # text columns scanned
        databases = [
            path for path in staging_files(tmp_path / "w.duckdb") if path.suffix == ".duckdb"
        ]
        assert len(databases) == 13  # each file staged on disk


def _count_leaks(con: duckdb.DuckDBPyConnection, database: str, leaks: list[str]) -> int:
    """Text columns of a staged database scanned; fails on any personnummer form."""
    columns = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = ? "
        "AND data_type IN ('VARCHAR', 'VARCHAR[]')",
        [database],
    ).fetchall()
    for table, column in columns:
        text = f'"{column}"::VARCHAR'
        [(found,)] = con.execute(
            f'SELECT count(*) FROM {database}."{table}" WHERE '
            + " OR ".join(f"contains({text}, ?)" for _ in leaks),
            leaks,
        ).fetchall()
        assert found == 0, f"personnummer in staged {table}.{column}"
    return len(columns)


@pytest.mark.parametrize("landing_files", [False, True])
def test_staging_left_by_a_killed_run_is_removed_by_the_next(
    tmp_path: Path, landing_files: bool
) -> None:
    """A killed run leaves its staging database on disk; the next ingest, with new files
    or none, deletes it before anything else."""
    landing, config = tmp_path / "landing", tmp_path / "insatser.yml"
    landing.mkdir()
    if landing_files:
        write_all(landing, config)
    database = tmp_path / "w.duckdb"
    left = tmp_path / f"w.duckdb{SUFFIX}ingest_staging_killed.duckdb"
    with duckdb.connect(str(left)) as con:
        con.execute("CREATE TABLE case_enrolments AS SELECT 1 AS half_a_file")
    load(database, landing, load_limits(config))
    assert staging_files(database) == []
