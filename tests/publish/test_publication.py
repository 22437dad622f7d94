"""The publish step: readers see the old warehouse or the new one, never a mix."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.publication import publish, stamp_publication


def _build_work_db(path: Path, marker: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        con.execute(
            "create or replace table raw.file_registry as "
            "select 'loaded' as status union all select 'quarantined'"
        )
        con.execute("create or replace table marker as select ? as value", [marker])
        stamp_publication(con, run_id=f"run-{marker}", built_from="test")


def _read_marker(warehouse: Path) -> tuple[str, str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marker = con.execute("select value from marker").fetchone()[0]
        run_id, files = con.execute("select run_id, source_files from meta.publication").fetchone()
    return marker, run_id, files


def test_publish_replaces_the_warehouse_and_stamps_it(tmp_path: Path) -> None:
    work, warehouse = tmp_path / "work" / "w.duckdb", tmp_path / "warehouse.duckdb"
    _build_work_db(work, "first")
    publish(work, warehouse)
    assert _read_marker(warehouse) == ("first", "run-first", 1)

    _build_work_db(work, "second")
    publish(work, warehouse)
    assert _read_marker(warehouse) == ("second", "run-second", 1)
    assert not list(tmp_path.glob(".*publishing"))


def test_an_open_reader_keeps_the_old_publication(tmp_path: Path) -> None:
    work, warehouse = tmp_path / "work" / "w.duckdb", tmp_path / "warehouse.duckdb"
    _build_work_db(work, "old")
    publish(work, warehouse)
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        _build_work_db(work, "new")
        publish(work, warehouse)
        assert reader.execute("select value from marker").fetchone()[0] == "old"
    finally:
        reader.close()
    assert _read_marker(warehouse)[0] == "new"


def test_a_failed_copy_leaves_the_published_warehouse_intact(tmp_path: Path) -> None:
    work, warehouse = tmp_path / "work" / "w.duckdb", tmp_path / "warehouse.duckdb"
    _build_work_db(work, "kept")
    publish(work, warehouse)
    with pytest.raises(FileNotFoundError):
        publish(tmp_path / "missing.duckdb", warehouse)
    assert _read_marker(warehouse)[0] == "kept"
