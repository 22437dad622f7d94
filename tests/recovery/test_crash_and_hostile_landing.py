"""Nights that survive: runs killed with `kill -9`, and a hostile landing, all unattended.

One landing (the shared demo's files, regenerated) goes through runs killed in ingest, in
the dbt build and in publication, each killed run healed by the next; the next run must
publish what the clean shared demo run published, with nothing left behind. Then a file
lands during a run, another with an old modification time, and every hostile entry of
tests/ingest/hostile.py beside two implausible snapshots: the sensor's next run must load
the two, quarantine every hostile entry with its reason, keep every organisation's
current snapshot, publish, and stay within 1.5x the memory of the clean run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.ingest.sensor import landing_sensor
from pipelines.defs.resources import resource_defs
from pipelines.demo.generate import generate
from pipelines.settings import load_settings
from tests.conftest import DEMO_PARTICIPANTS, DEMO_SEED, DemoRun
from tests.ingest import hostile
from tests.ingest.fixtures import gwa_rows, write_csv
from tests.ingest.test_landing_safety import plant_hostile
from tests.recovery.runs import (
    ChildRun,
    child_environment,
    dagster_instance,
    run_pipeline,
    step_started,
)

pytestmark = pytest.mark.slow

TEST_KEY = "test-key-not-secret"  # the shared demo run's key, so pseudonyms match
LANDED_DURING_RUN = "arende/gwa_sentorg_20240601.csv"
LANDED_WITH_OLD_TIME = "arende/gwa_gammaltid_20240601.csv"
OLD_TIME_NS = 1_000_000_000_000_000_000  # 2001-09-09


@dataclass
class CrashSequence:
    root: Path
    env: dict[str, str]
    killed: dict[str, ChildRun]
    statuses_after_kill: dict[str, list[str]]
    final: ChildRun
    final_marts: dict[str, list[tuple]]
    sensor_requests: list[dg.RunRequest]
    after_sensor: ChildRun
    hostile_reasons: dict[str, str]


def _run_statuses(dagster_home: Path) -> list[str]:
    with dagster_instance(dagster_home) as instance:
        return sorted(run.status.value for run in instance.get_runs())


def _land(root: Path, name: str, organisation_case: str) -> Path:
    path = write_csv(root / "landing" / name, gwa_rows())
    text = path.read_bytes().replace(b"H-", organisation_case.encode())
    path.write_bytes(text)
    return path


def _evaluate_sensor(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[dg.RunRequest]:
    for name, value in env.items():
        if name.startswith("FINSAM_"):
            monkeypatch.setenv(name, value)
    with dagster_instance(Path(env["DAGSTER_HOME"])) as instance:
        context = dg.build_sensor_context(instance=instance, resources=resource_defs())
        result = landing_sensor.evaluate_tick(context)
    return list(result.run_requests or [])


@pytest.fixture(scope="module")
def crash_sequence(tmp_path_factory: pytest.TempPathFactory) -> CrashSequence:
    root = tmp_path_factory.mktemp("crash")
    generate(DEMO_PARTICIPANTS, DEMO_SEED, root / "landing", root / "config" / "insatser.yml")
    env = child_environment(root, TEST_KEY)
    dagster_home = Path(env["DAGSTER_HOME"])
    kill_points = {
        "ingest": step_started("ingest_esf_participants"),
        "dbt": lambda line: "OK created sql table model intermediate." in line,
        "publication": step_started("meta__publication"),
    }
    killed, statuses = {}, {}
    for point, kill_when in kill_points.items():
        killed[point] = run_pipeline(env, kill_when)
        statuses[point] = _run_statuses(dagster_home)
    # What a kill in the middle of the copy leaves: a half-written warehouse beside it.
    (root / ".warehouse.duckdb.publishing").write_bytes(b"half a copy")

    def land_during_dbt(line: str) -> None:
        if 'Started execution of step "finsam_dbt_models"' in line:
            _land(root, LANDED_DURING_RUN, "S-")

    final = run_pipeline(env, on_line=land_during_dbt)
    final_marts = _marts(root / "warehouse.duckdb")
    old = _land(root, LANDED_WITH_OLD_TIME, "G-")
    os.utime(old, ns=(OLD_TIME_NS, OLD_TIME_NS))
    with pytest.MonkeyPatch.context() as patch:
        requests = _evaluate_sensor(env, patch)
        reasons = _plant_hostile_landing(root)
    after_sensor = run_pipeline(env) if requests else ChildRun()
    return CrashSequence(
        root, env, killed, statuses, final, final_marts, requests, after_sensor, reasons
    )


def _plant_hostile_landing(root: Path) -> dict[str, str]:
    """Every hostile entry, and snapshots that would empty two organisations' cases."""
    settings = load_settings()
    reasons = plant_hostile(settings, root / "outside")
    arende = settings.landing / "arende"
    hostile.gwa_with_rows(arende / "gwa_hassleholm_20250101.csv", 50, rejected=True)
    hostile.gwa_with_rows(arende / "gwa_kristianstad_20250101.csv", 1)
    implausible = "misstänkt ofullständig leverans"
    reasons["arende/gwa_hassleholm_20250101.csv"] = implausible
    reasons["arende/gwa_kristianstad_20250101.csv"] = implausible
    return reasons


def test_each_killed_run_is_failed_by_the_next_one(crash_sequence: CrashSequence) -> None:
    statuses = crash_sequence.statuses_after_kill
    assert statuses["ingest"] == ["STARTED"]
    assert statuses["dbt"] == ["FAILURE", "STARTED"]
    assert statuses["publication"] == ["FAILURE", "FAILURE", "STARTED"]
    for point in ("dbt", "publication"):
        assert "markerad som misslyckad" in crash_sequence.killed[point].output
    assert "markerad som misslyckad" in crash_sequence.final.output


def test_the_run_after_the_kills_publishes_what_a_clean_run_publishes(
    crash_sequence: CrashSequence, demo_run: DemoRun
) -> None:
    assert crash_sequence.final.returncode == 0, crash_sequence.final.output[-3000:]
    recovered = crash_sequence.final_marts
    clean = _marts(demo_run.settings.warehouse)
    assert recovered.keys() == clean.keys()
    differing = [name for name in clean if recovered[name] != clean[name]]
    assert differing == []


def test_nothing_is_left_behind(crash_sequence: CrashSequence) -> None:
    root = crash_sequence.root
    assert not (root / ".warehouse.duckdb.publishing").exists()
    assert list((root / "tmp").iterdir()) == []
    with dagster_instance(Path(crash_sequence.env["DAGSTER_HOME"])) as instance:
        in_progress = instance.get_runs(
            filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])
        )
        assert list(in_progress) == []
        assert not instance.event_log_storage.get_concurrency_run_ids()


def test_files_landing_during_a_run_or_with_old_times_reach_the_warehouse(
    crash_sequence: CrashSequence,
) -> None:
    assert len(crash_sequence.sensor_requests) == 1
    with duckdb.connect(str(crash_sequence.root / "warehouse.duckdb"), read_only=True) as con:
        loaded = {
            name
            for (name,) in con.execute(
                "select file_name from raw.file_registry where status = 'loaded'"
            ).fetchall()
        }
    # In the published warehouse: the sensor's run published them (beside the hostile files).
    assert {Path(LANDED_DURING_RUN).name, Path(LANDED_WITH_OLD_TIME).name} <= loaded


def _marts(warehouse: Path) -> dict[str, list[tuple]]:
    """Every marts table and view, sorted, without the columns that stamp a run's time."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        relations = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by table_name"
        ).fetchall()
        contents = {}
        for (name,) in relations:
            columns = con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? "
                "and data_type not like 'TIMESTAMP%' order by ordinal_position",
                [name],
            ).fetchall()
            selected = ", ".join(f'"{column}"' for (column,) in columns)
            contents[name] = con.execute(
                f'select {selected} from marts."{name}" order by all'
            ).fetchall()
    return contents


def _current_snapshots(warehouse: Path) -> dict[tuple[str, str], str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select source_kind, organisation, file_name from raw.file_registry "
            "where is_current and source_kind <> 'forecast'"
        ).fetchall()
    return {(kind, organisation): name for kind, organisation, name in rows}


def test_a_hostile_landing_publishes_with_each_hostile_entry_quarantined(
    crash_sequence: CrashSequence,
) -> None:
    run = crash_sequence.after_sensor
    assert run.returncode in (0, 1), run.output[-3000:]  # 1: quarantined files are errors
    (run_id,) = [line.split()[1].rstrip(":") for line in run.lines if line.startswith("Körning ")]
    warehouse = crash_sequence.root / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select run_id from meta.publication").fetchone()[0] == run_id
    quarantine = crash_sequence.root / "landing" / "quarantine"
    for entry, reason in crash_sequence.hostile_reasons.items():
        folder, name = entry.split("/")
        reason_files = list((quarantine / folder).glob(f"{name}*.reason.txt"))
        assert len(reason_files) == 1, entry
        assert reason in reason_files[0].read_text(encoding="utf-8"), entry


def test_no_organisation_loses_its_cases_to_a_broken_snapshot(
    crash_sequence: CrashSequence, demo_run: DemoRun
) -> None:
    before = _current_snapshots(demo_run.settings.warehouse)
    after = _current_snapshots(crash_sequence.root / "warehouse.duckdb")
    assert {key: after[key] for key in before} == before


def test_a_hostile_landing_costs_at_most_half_again_the_memory_of_a_clean_run(
    crash_sequence: CrashSequence,
) -> None:
    clean, hostile_run = crash_sequence.final, crash_sequence.after_sensor
    assert hostile_run.peak_rss_kb <= 1.5 * clean.peak_rss_kb
