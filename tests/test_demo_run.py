"""The whole product on the demo: one nightly run ingests, models, checks and publishes."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.resources import resource_defs
from pipelines.defs.schedules import NOTHING_CHANGED, nightly_schedule
from pipelines.run import main as run_main
from tests.conftest import DemoRun

SCHEMAS_SQL = "select schema_name from duckdb_schemas()"


def test_nightly_run_publishes_a_complete_warehouse(demo_run: DemoRun) -> None:
    assert demo_run.success
    assert demo_run.skipped_steps == []
    with duckdb.connect(str(demo_run.settings.warehouse), read_only=True) as con:
        schemas = {row[0] for row in con.execute(SCHEMAS_SQL).fetchall()}
        assert {"raw", "staging", "intermediate", "marts", "quality", "meta"} <= schemas
        (run_id,) = con.execute("select run_id from meta.publication").fetchone()
        assert run_id == demo_run.run_id
        (enrolments,) = con.execute("select count(*) from marts.enrolments").fetchone()
    assert enrolments > 900


def test_every_error_check_passes_on_the_demo(demo_run: DemoRun) -> None:
    failed_errors = [
        (asset, check)
        for asset, check, passed, severity in demo_run.checks
        if not passed and severity == "ERROR"
    ]
    assert failed_errors == []


def _nightly_tick(instance: dg.DagsterInstance) -> dg.RunRequest | str:
    context = dg.build_schedule_context(instance=instance, resources=resource_defs())
    result = nightly_schedule.evaluate_tick(context)
    return result.run_requests[0] if result.run_requests else result.skip_message


def test_a_night_with_nothing_new_only_records_that(
    demo_run: DemoRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No new delivery, the same configuration and dbt project: the schedule skips the run,
    and any one of the three changing starts it again."""
    landing, config = tmp_path / "landing", tmp_path / "insatser.yml"
    shutil.copytree(demo_run.settings.landing, landing)
    shutil.copyfile(demo_run.settings.config, config)
    monkeypatch.setenv("FINSAM_LANDING", str(landing))
    monkeypatch.setenv("FINSAM_CONFIG", str(config))
    monkeypatch.setenv("FINSAM_WAREHOUSE", str(demo_run.settings.warehouse))
    monkeypatch.setenv("FINSAM_SETTLE_SECONDS", "0")
    with dg.DagsterInstance.ephemeral() as instance:
        assert _nightly_tick(instance) == NOTHING_CHANGED

        config.write_text(config.read_text() + "\n# tertialens mål ändrade\n")
        assert _nightly_tick(instance).tags["finsam/reason"].startswith("konfigurationen")
        shutil.copyfile(demo_run.settings.config, config)

        delivered = next((landing / "ekonomi").glob("*.csv"))
        delivered.with_name("huvudbok_ny_20991231.csv").write_bytes(delivered.read_bytes() + b"\n")
        assert _nightly_tick(instance).tags["finsam/reason"] == "1 nya leveranser"

        monkeypatch.setenv("FINSAM_WAREHOUSE", str(tmp_path / "never_published.duckdb"))
        assert "inget publicerat lager" in _nightly_tick(instance).tags["finsam/reason"]


def test_cron_asks_the_same_question_with_only_if_changed(
    demo_run: DemoRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable, path in (
        ("FINSAM_LANDING", demo_run.settings.landing),
        ("FINSAM_CONFIG", demo_run.settings.config),
        ("FINSAM_WAREHOUSE", demo_run.settings.warehouse),
    ):
        monkeypatch.setenv(variable, str(path))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    published = demo_run.settings.warehouse.stat().st_mtime_ns
    assert run_main(["--only-if-changed"]) == 0
    assert NOTHING_CHANGED in capsys.readouterr().out
    assert demo_run.settings.warehouse.stat().st_mtime_ns == published
