"""Configuration reaches steps through resources; no step writes the environment."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.ingest.assets import ingest_assets, insats_config
from pipelines.defs.resources import (
    InsatsConfigFile,
    Landing,
    PseudonymKey,
    WorkDatabase,
    resource_defs,
)
from pipelines.settings import Settings
from tests.conftest import DemoRun
from tests.ingest.fixtures import write_landing

VARIABLES = (
    "FINSAM_LANDING",
    "FINSAM_WAREHOUSE",
    "FINSAM_WORK_DB",
    "FINSAM_CONFIG",
    "FINSAM_PSEUDONYM_KEY",
    "FINSAM_ENV",
)


def test_no_step_changes_the_environment(demo_run: DemoRun) -> None:
    # The whole nightly job ran with FINSAM_WORK_DB unset: dbt got its path from the
    # work_db resource, not from a variable a step exported.
    assert demo_run.environment_changes == {}


def test_an_unset_variable_means_its_documented_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    resources = resource_defs()
    assert resources["work_db"].path == str(tmp_path / "data" / "work" / "warehouse_work.duckdb")
    assert resources["landing"].path == str(tmp_path / "data" / "landing")
    assert resources["pseudonym_key"].secret is None
    monkeypatch.setenv("FINSAM_WAREHOUSE", str(tmp_path / "elsewhere" / "warehouse.duckdb"))
    moved = resource_defs()
    assert moved["work_db"].path == str(tmp_path / "elsewhere" / "work" / "warehouse_work.duckdb")


def test_a_set_variable_is_bound_by_name_and_the_key_never_enters_the_definitions(
    finsam_env: Settings,
) -> None:
    resources = resource_defs()
    secret = resources["pseudonym_key"].secret
    assert isinstance(secret, dg.EnvVar) and secret.env_var_name == "FINSAM_PSEUDONYM_KEY"
    assert isinstance(resources["work_db"].path, dg.EnvVar)
    assert "test-key-not-secret" not in repr(resources)


def test_configured_resources_decide_where_ingest_reads_and_writes(
    finsam_env: Settings, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    write_landing(elsewhere / "landing", elsewhere / "insatser.yml")
    resources = {
        "work_db": WorkDatabase(path=str(elsewhere / "work.duckdb")),
        "landing": Landing(path=str(elsewhere / "landing"), settle_seconds=0),
        "config_file": InsatsConfigFile(path=str(elsewhere / "insatser.yml")),
        "pseudonym_key": PseudonymKey(secret="another-key", key_file=str(tmp_path / "k")),
    }
    cases = next(asset for asset in ingest_assets if asset.op.name == "ingest_case_enrolments")
    result = dg.materialize([cases, insats_config], resources=resources)
    assert result.success
    with duckdb.connect(str(elsewhere / "work.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.case_enrolments").fetchone()[0] > 0
        assert con.execute("select count(*) from raw.insats_config").fetchone()[0] > 0
    assert not finsam_env.work_db.exists()  # FINSAM_WORK_DB names another file
