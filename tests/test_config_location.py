"""The demo and the pipeline agree on where the configuration lives; without one the
pipeline runs on the built-in defaults and says which file it missed."""

from __future__ import annotations

import logging
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.ingest.assets import insats_config
from pipelines.defs.resources import resource_defs
from pipelines.demo.__main__ import main
from pipelines.demo.calibration import load_calibration
from pipelines.run import summarise
from pipelines.settings import Settings, load_settings


def _rows(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("variable_set", [True, False], ids=["FINSAM_CONFIG", "unset"])
def test_the_demo_writes_its_configuration_where_the_pipeline_reads_it(
    variable_set: bool, finsam_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    if variable_set:  # not beside the landing, where the demo once put it
        expected = tmp_path / "elsewhere" / "insatser.yml"
        monkeypatch.setenv("FINSAM_CONFIG", str(expected))
    else:
        monkeypatch.delenv("FINSAM_CONFIG")
        expected = tmp_path / "data" / "config" / "insatser.yml"
    main(["--participants", "20", "--seed", "1", "--out", str(finsam_env.landing)])
    assert expected.is_file()
    assert load_settings().config.resolve() == expected
    result = dg.materialize([insats_config], resources=resource_defs())
    assert result.success
    assert not summarise(result)[0]  # no warning: the configuration was found
    insatser = _rows(finsam_env, "SELECT insats FROM raw.insats_config")
    assert {insats for (insats,) in insatser} == set(load_calibration()["insatser"])


def test_without_a_configuration_the_run_uses_the_built_in_defaults_and_warns(
    finsam_env: Settings,
) -> None:
    assert not finsam_env.config.exists()
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([insats_config], resources=resource_defs(), instance=instance)
    assert result.success
    # The `defaults:` of ARCHITECTURE.md, for every insats; nothing configured per insats.
    [defaults] = _rows(
        finsam_env,
        "SELECT goal_reasons, dropout_reasons, trial_days, exclude_dropouts_from_goal_share, "
        "len(mandatory_fields), grace_days, completeness_threshold FROM raw.insats_config_defaults",
    )
    assert defaults == (["Arbete", "Studier"], ["Avbrott"], 0, True, 9, 30, 0.8)
    assert _rows(finsam_env, "SELECT count(*) FROM raw.insats_config") == [(0,)]
    warnings = [
        entry.user_message
        for entry in instance.all_logs(result.run_id)
        if entry.level == logging.WARNING and "saknas" in entry.user_message
    ]
    assert len(warnings) == 1 and str(finsam_env.config.resolve()) in warnings[0]
    assert "standardvärdena" in warnings[0]
    lines, has_error = summarise(result)
    assert lines == [f"Varning: {warnings[0]}"]  # once, though five tables carry it
    assert not has_error
