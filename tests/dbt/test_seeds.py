"""Seeds after an upgrade: a seed whose columns changed loads into a table of its own."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.dbt.conftest import run_dbt


def test_a_seed_with_new_columns_replaces_last_nights_table(tmp_path: Path) -> None:
    """The figure catalogue gained columns in an upgrade: last night's table has fewer, and
    the night still loads the seed (seeds are always recreated, `+full_refresh`)."""
    work_db = tmp_path / "warehouse_work.duckdb"
    with duckdb.connect(str(work_db)) as con:
        con.execute("create schema staging")
        con.execute("create table staging.figure_definitions (figure_id varchar, label varchar)")
    seeded = run_dbt(["seed", "--select", "figure_definitions"], work_db, tmp_path / "target")
    assert seeded.returncode == 0, seeded.stdout[-3000:]
    with duckdb.connect(str(work_db), read_only=True) as con:
        columns = [row[0] for row in con.execute("describe staging.figure_definitions").fetchall()]
    assert {"maturity_flag", "cohort_basis"} <= set(columns)
