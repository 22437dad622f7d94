"""The landing sensor starts one run per new landing state; the nightly schedule at 02:00."""

from __future__ import annotations

import os

import dagster as dg

from pipelines.defs.ingest.assets import ingest_assets, ingest_registry, insats_config
from pipelines.defs.ingest.sensor import landing_sensor
from pipelines.defs.schedules import nightly_job, nightly_schedule
from pipelines.ingest.schema import BOOKKEEPING_TABLES, CONFIG_TABLES, DATA_TABLES
from pipelines.settings import Settings
from tests.ingest.fixtures import gwa_rows, write_csv


def test_sensor_runs_once_per_new_file(finsam_env: Settings) -> None:
    with dg.instance_for_test() as instance:

        def evaluate(cursor: str | None) -> tuple[list[dg.RunRequest], str | None]:
            context = dg.build_sensor_context(instance=instance, cursor=cursor)
            result = landing_sensor.evaluate_tick(context)
            return list(result.run_requests or []), result.cursor

        requests, empty_cursor = evaluate(None)
        assert len(requests) == 1  # first look at the landing: catch up once
        assert evaluate(empty_cursor)[0] == []
        write_csv(finsam_env.landing / "arende" / "gwa_hassleholm_20240601.csv", gwa_rows())
        requests, cursor = evaluate(empty_cursor)
        assert len(requests) == 1 and requests[0].run_key == cursor != empty_cursor
        assert evaluate(cursor)[0] == []
        (finsam_env.landing / "quarantine" / "arende").mkdir(parents=True)
        (finsam_env.landing / "quarantine" / "arende" / "x.csv").write_text("ignored")
        assert evaluate(cursor)[0] == []


def test_sensor_skips_files_the_published_warehouse_already_holds(finsam_env: Settings) -> None:
    landed = finsam_env.landing / "arende" / "gwa_hassleholm_20240601.csv"
    write_csv(landed, gwa_rows())
    finsam_env.warehouse.write_bytes(b"published after the file landed")
    os.utime(landed, ns=(1_000_000_000, 1_000_000_000))
    with dg.instance_for_test() as instance:

        def evaluate(cursor: str | None) -> tuple[list[dg.RunRequest], str | None]:
            context = dg.build_sensor_context(instance=instance, cursor=cursor)
            result = landing_sensor.evaluate_tick(context)
            return list(result.run_requests or []), result.cursor

        requests, cursor = evaluate(None)
        assert requests == [] and cursor is not None
        later = finsam_env.landing / "ekonomi" / "huvudbok_hassleholm_20240602.csv"
        later.write_text("Verifikation;Bokföringsdatum\n", encoding="utf-8")
        assert len(evaluate(cursor)[0]) == 1


def test_nightly_schedule_and_sensor_target_the_whole_pipeline() -> None:
    assert nightly_schedule.cron_schedule == "0 2 * * *"
    assert nightly_schedule.execution_timezone == "Europe/Stockholm"
    assert nightly_schedule.job_name == landing_sensor.job_name == nightly_job.name == "nightly"


def test_every_raw_table_is_an_asset_in_the_ingest_group() -> None:
    all_assets = [*ingest_assets, insats_config, ingest_registry]
    specs = [spec for assets in all_assets for spec in assets.specs]
    assert {spec.key.to_user_string() for spec in specs} == {
        f"raw/{table}" for table in [*DATA_TABLES, *CONFIG_TABLES, *BOOKKEEPING_TABLES]
    }
    assert {spec.group_name for spec in specs} == {"ingest"}
    assert {assets.node_def.pool for assets in all_assets} == {"duckdb"}
