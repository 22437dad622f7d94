"""One real Dagster materialisation of the dbt assets: dbt build, checks, docs."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.dbt.assets import (
    build_command,
    docs_are_current,
    docs_state,
    finsam_dbt_models,
    profile_vars,
    remove_stale_build_folders,
)
from pipelines.defs.dbt.build_selection import BuildSelection
from pipelines.defs.dbt.cli_resource import finsam_dbt_cli
from pipelines.defs.dbt.project import finsam_dbt_project
from pipelines.defs.resources import WorkDatabase, resource_defs
from pipelines.settings import Settings
from tests.dbt.conftest import create_raw_layer, run_dbt

SETTINGS_SQL = (
    "select current_setting('memory_limit') as memory_limit, "
    "current_setting('threads') as threads, current_setting('temp_directory') as temp_directory"
)


def test_dbt_assets_are_grouped_and_join_the_ingest_lineage() -> None:
    specs = {spec.key: spec for spec in finsam_dbt_models.specs}
    flows = specs[dg.AssetKey(["marts", "period_flows"])]
    staged = specs[dg.AssetKey(["staging", "stg_raw__case_enrolments"])]
    assert flows.group_name == "marts"
    assert staged.group_name == "staging"
    assert dg.AssetKey(["raw", "case_enrolments"]) in {dep.asset_key for dep in staged.deps}
    assert any("flow_identity" in check.name for check in finsam_dbt_models.check_specs)


def test_materialising_the_dbt_assets_builds_marts_and_docs(
    finsam_env: Settings, dbt_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The configured resource, not FINSAM_WORK_DB, says where dbt builds.
    work_db = tmp_path / "configured" / "warehouse_work.duckdb"
    create_raw_layer(work_db, "edge_cases.sql")
    kept = finsam_dbt_project().project_dir / "target" / "partial_parse.msgpack"
    started_ns = time.time_ns()
    result = dg.materialize(
        [finsam_dbt_models],
        resources={
            "dbt": finsam_dbt_cli(),
            "work_db": WorkDatabase(path=str(work_db)),
        },
    )
    assert result.success
    materialised = {event.asset_key for event in result.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "period_flows"]) in materialised
    checks = result.get_asset_check_evaluations()
    assert checks, "dbt tests should report as asset checks"
    failed = [check.check_name for check in checks if not check.passed]
    assert failed == []
    catalog = finsam_dbt_project().project_dir / "target" / "docs" / "catalog.json"
    assert "period_flows" in catalog.read_text(encoding="utf-8")
    with duckdb.connect(str(work_db), read_only=True) as con:
        assert con.execute("select count(*) from marts.period_flows").fetchone()[0] > 0
    assert not finsam_env.work_db.exists()
    # dbt started from the prepared manifest (another work-DB path than the one it was
    # prepared with): it neither parsed the project nor replaced that manifest.
    dbt_output = capsys.readouterr().out  # dagster-dbt echoes dbt's log lines
    assert "OK created sql table model marts.period_flows" in dbt_output
    assert "partial parsing" not in dbt_output and "full parse" not in dbt_output
    assert kept.stat().st_mtime_ns < started_ns
    # The docs describe this project and schema: the next run skips them until one changes.
    configured = WorkDatabase(path=str(work_db))
    assert docs_are_current(docs_state(configured))
    with duckdb.connect(str(work_db)) as con:
        con.execute("create table marts.new_figure (persons integer)")
    assert not docs_are_current(docs_state(configured))


def _settings(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    names = ("memory_limit", "threads", "temp_directory")
    return dict(zip(names, con.execute(SETTINGS_SQL).fetchone(), strict=True))


def test_duckdb_memory_limit_and_threads_come_from_the_configuration(
    finsam_env: Settings, monkeypatch, tmp_path: Path
) -> None:
    """Every work-database connection and dbt's get FINSAM_DUCKDB_*; ingest's never spills."""
    monkeypatch.setenv("FINSAM_DUCKDB_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("FINSAM_DUCKDB_THREADS", "1")
    work_db = resource_defs()["work_db"].process_config_and_initialize()
    with duckdb.connect(config={"memory_limit": "300MB"}) as reference:
        limit = reference.execute("select current_setting('memory_limit')").fetchone()[0]
    with work_db.connect() as con:
        assert _settings(con) == {
            "memory_limit": limit,
            "threads": 1,
            "temp_directory": f"{work_db.file}.tmp",
        }
    with work_db.connect(holds_personnummer=True) as con:
        assert _settings(con)["temp_directory"] == ""
    shown = run_dbt(
        ["show", "--inline", SETTINGS_SQL, "--output", "json", *profile_vars(work_db)],
        work_db.file,
        tmp_path / "target",
    )
    assert shown.returncode == 0, shown.stdout[-2000:]
    [row] = json.loads(shown.stdout[shown.stdout.index("{") :])["show"]
    assert (row["memory_limit"], int(row["threads"])) == (limit, 1)


def test_dbt_builds_as_many_models_at_once_as_configured_and_writes_no_json(
    finsam_env: Settings, monkeypatch, tmp_path: Path
) -> None:
    """FINSAM_DBT_THREADS reaches the nightly `dbt build` through the resource (its models
    share one memory limit), not through the environment dbt's profile would read."""
    monkeypatch.setenv("FINSAM_DBT_THREADS", "1")
    work_db = resource_defs()["work_db"].process_config_and_initialize()
    monkeypatch.delenv("FINSAM_DBT_THREADS")
    selection = BuildSelection(excluded=(), reason="test")
    work_db.file.parent.mkdir(parents=True)
    built = run_dbt(
        [*build_command(work_db, selection), "--select", "delivery_kinds"],
        work_db.file,
        tmp_path / "target",
    )
    assert built.returncode == 0, built.stdout[-2000:]
    assert "Concurrency: 1 threads" in built.stdout
    # Nothing reads the build folder's manifest, results or statements: writing them is time.
    written = {path.name for path in (tmp_path / "target").iterdir()}
    assert not written & {"manifest.json", "run_results.json"}, written
    assert "[debug]" not in (tmp_path / "target" / "dbt.log").read_text(encoding="utf-8")


def test_build_folders_left_by_killed_runs_are_removed(tmp_path: Path) -> None:
    left, running = (
        tmp_path / "finsam_dbt_models-abc1234-0000000",
        tmp_path / "finsam_dbt_models-def5678-1111111",
    )
    for folder in (left, running):
        folder.mkdir()
    now = time.time()
    os.utime(left, (now - 2 * 24 * 3600, now - 2 * 24 * 3600))
    remove_stale_build_folders(tmp_path, finsam_dbt_models.op.name, now)
    assert not left.exists() and running.exists()


def test_a_full_build_starts_the_per_person_models_afresh_and_a_partial_one_names_the_rest(
    tmp_path: Path,
) -> None:
    """A partial build tells dbt what it leaves unchanged (a model built per person then
    computes only the changed persons); a full build is a --full-refresh, so a changed
    project never meets a stored per-person table, and the tertial history opts out of it
    (it keeps every value once published)."""
    work_db = WorkDatabase(path=str(tmp_path / "work.duckdb"))
    partial = build_command(work_db, BuildSelection(("support_panel", "reach"), "test"))
    full = build_command(work_db, BuildSelection((), "test", is_full=True))
    assert "--full-refresh" in full and "--full-refresh" not in partial
    variables = json.loads(partial[partial.index("--vars") + 1])
    assert variables["unchanged_models"] == ["support_panel", "reach"]
    manifest = json.loads(finsam_dbt_project().manifest_path.read_text(encoding="utf-8"))
    history = manifest["nodes"]["model.finsam.tertial_figure_history"]["config"]
    assert history["full_refresh"] is False
