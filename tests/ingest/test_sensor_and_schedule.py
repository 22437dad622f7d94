"""The landing sensor asks the registry what is new; the nightly schedule runs at 02:00."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.definitions import defs
from pipelines.defs.ingest.assets import ingest_assets, ingest_registry, insats_config
from pipelines.defs.ingest.sensor import landing_sensor
from pipelines.defs.resources import resource_defs
from pipelines.defs.schedules import nightly_job, nightly_schedule
from pipelines.ingest.landing import FILE_PATTERNS
from pipelines.ingest.schema import BOOKKEEPING_TABLES, CONFIG_TABLES, DATA_TABLES
from pipelines.run_recovery import worker_identity
from pipelines.settings import Settings
from tests.ingest.fixtures import gwa_rows, write_csv
from tests.recovery.workers import dead_worker, started_run

CASE_FILE = "gwa_hassleholm_20240601.csv"


def _evaluate(instance: dg.DagsterInstance, cursor: str | None = None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resource_defs())
    result = landing_sensor.evaluate_tick(context)
    return list(result.run_requests or []), result.cursor


def _publish_registry(settings: Settings, *loaded: Path) -> None:
    """A published warehouse whose registry holds the content of `loaded`."""
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.file_registry (file_id varchar, status varchar)")
        for path in loaded:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            con.execute("insert into raw.file_registry values (?, 'loaded')", [digest])


def test_sensor_asks_for_one_run_per_set_of_unloaded_deliveries(finsam_env: Settings) -> None:
    with dg.instance_for_test() as instance:
        assert _evaluate(instance)[0] == []  # empty landing
        landed = write_csv(finsam_env.landing / "arende" / CASE_FILE, gwa_rows())
        requests, cursor = _evaluate(instance)
        assert len(requests) == 1
        again, _ = _evaluate(instance, cursor)
        assert again[0].run_key == requests[0].run_key  # the daemon starts it once
        (finsam_env.landing / "quarantine" / "arende").mkdir(parents=True)
        (finsam_env.landing / "quarantine" / "arende" / "x.csv").write_text("ignored")
        _publish_registry(finsam_env, landed)
        assert _evaluate(instance, cursor)[0] == []


def test_sensor_takes_a_file_with_an_old_time_the_registry_has_not_seen(
    finsam_env: Settings,
) -> None:
    loaded = write_csv(finsam_env.landing / "arende" / CASE_FILE, gwa_rows())
    _publish_registry(finsam_env, loaded)
    with dg.instance_for_test() as instance:
        assert _evaluate(instance)[0] == []
        copied = finsam_env.landing / "ekonomi" / "huvudbok_hassleholm_20240602.csv"
        copied.write_text("Verifikation;Bokföringsdatum\n", encoding="utf-8")
        os.utime(copied, ns=(1_000_000_000, 1_000_000_000))  # scp -p, rsync -t, unzip
        assert len(_evaluate(instance)[0]) == 1


def test_sensor_does_not_take_loaded_content_under_a_new_name(finsam_env: Settings) -> None:
    loaded = write_csv(finsam_env.landing / "arende" / CASE_FILE, gwa_rows())
    _publish_registry(finsam_env, loaded)
    loaded.rename(loaded.with_name("gwa_hassleholm_20240603.csv"))
    with dg.instance_for_test() as instance:
        assert _evaluate(instance)[0] == []


def test_sensor_waits_for_a_live_run_and_heals_a_dead_one(finsam_env: Settings) -> None:
    write_csv(finsam_env.landing / "arende" / CASE_FILE, gwa_rows())
    with dg.instance_for_test() as instance:
        live = started_run(instance, worker_identity())
        assert _evaluate(instance)[0] == []  # new files wait for the run in progress
        instance.report_run_failed(live)
        dead = started_run(instance, dead_worker())
        assert len(_evaluate(instance)[0]) == 1
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE


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


def test_no_step_claims_a_concurrency_pool() -> None:
    """A pool slot claimed by a killed run would block every later run (ARCHITECTURE.md)."""
    pools = {node.pool for node in defs().resolve_job_def("nightly").graph.node_defs}
    assert pools == {None}


def test_landing_files_start_the_lineage_and_no_run_writes_them() -> None:
    graph = defs().resolve_asset_graph()
    landing = {key for key in graph.get_all_asset_keys() if key.path[0] == "landing"}
    assert landing == {dg.AssetKey(["landing", kind]) for kind in FILE_PATTERNS}
    assert not any(graph.get(key).is_materializable for key in landing)
    cases = graph.get(dg.AssetKey(["raw", "case_enrolments"])).parent_keys
    assert {dg.AssetKey(["landing", "gwa"]), dg.AssetKey(["landing", "register"])} <= cases
    nightly = defs().resolve_job_def("nightly").asset_layer.executable_asset_keys
    assert dg.AssetKey(["raw", "case_enrolments"]) in nightly and not landing & nightly
