"""A benchmark run's configuration: a landing with files over the default size limit is
read, not quarantined, and every run gets the DuckDB memory limit the report names."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from pipelines.bench.landings import Landing
from pipelines.bench.machine import machine_facts
from pipelines.bench.runs import run_config, run_environment, size_settings
from pipelines.ingest.limits import load_limits
from pipelines.settings import DEFAULT_DUCKDB_MEMORY_LIMIT

DEFAULT_LIMIT = load_limits(Path("/nonexistent")).max_file_bytes


def _landing(root: Path, file_bytes: int) -> Landing:
    folder = root / "landing" / "register"
    folder.mkdir(parents=True)
    with (folder / "forsorjning_fk_20241115.csv").open("wb") as handle:
        handle.truncate(file_bytes)  # sparse: the size without the disk
    config = root / "insatser.yml"
    config.write_text(yaml.safe_dump({"insatser": [], "quality": {"x": 1}}), encoding="utf-8")
    return Landing(1, 42, root / "landing", config, {})


def test_a_landing_within_the_limits_runs_with_its_own_config(tmp_path: Path) -> None:
    landing = _landing(tmp_path, DEFAULT_LIMIT)
    assert run_config(landing, tmp_path / "run") == landing.config


def test_a_larger_file_raises_the_limit_to_its_size_and_keeps_the_rest(tmp_path: Path) -> None:
    landing = _landing(tmp_path / "landing", DEFAULT_LIMIT + 1)
    (tmp_path / "run").mkdir()
    config = run_config(landing, tmp_path / "run")
    assert config.parent == tmp_path / "run"
    assert load_limits(config).max_file_bytes == DEFAULT_LIMIT + 1
    written = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert written["quality"] == {"x": 1} and written["insatser"] == []


def test_every_run_gets_the_memory_limit_the_report_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak memory means nothing without DuckDB's limit: pipeline and floor get the bench's
    own, and the report names it."""
    landing = _landing(tmp_path / "landing", 1)
    monkeypatch.delenv("FINSAM_DUCKDB_MEMORY_LIMIT", raising=False)
    environment = run_environment(tmp_path / "run", landing)
    assert environment["FINSAM_DUCKDB_MEMORY_LIMIT"] == DEFAULT_DUCKDB_MEMORY_LIMIT
    assert machine_facts()["duckdb_memory_limit"] == DEFAULT_DUCKDB_MEMORY_LIMIT
    monkeypatch.setenv("FINSAM_DUCKDB_MEMORY_LIMIT", "3GB")
    assert run_environment(tmp_path / "run", landing)["FINSAM_DUCKDB_MEMORY_LIMIT"] == "3GB"
    assert machine_facts()["duckdb_memory_limit"] == "3GB"


def test_a_size_runs_under_what_an_installation_of_that_size_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """size_settings.yml wins over the environment for its sizes, and only for them."""
    settings = tmp_path / "size_settings.yml"
    settings.write_text(
        yaml.safe_dump({1_000_000: {"FINSAM_DUCKDB_MEMORY_LIMIT": "2GB", "FINSAM_DBT_THREADS": 1}}),
        encoding="utf-8",
    )
    monkeypatch.setattr("pipelines.bench.runs.SIZE_SETTINGS_FILE", settings)
    monkeypatch.setenv("FINSAM_DUCKDB_MEMORY_LIMIT", "3GB")
    landing = _landing(tmp_path / "landing", 1)
    national = run_environment(tmp_path / "run", replace(landing, participants=1_000_000))
    assert (national["FINSAM_DUCKDB_MEMORY_LIMIT"], national["FINSAM_DBT_THREADS"]) == ("2GB", "1")
    assert run_environment(tmp_path / "run", landing)["FINSAM_DUCKDB_MEMORY_LIMIT"] == "3GB"
    assert size_settings(1_000_000) == {
        "FINSAM_DUCKDB_MEMORY_LIMIT": "2GB",
        "FINSAM_DBT_THREADS": "1",
    }
