"""A benchmark run's configuration: a landing with files over the default size limit is
read, not quarantined, and every run gets a DuckDB memory limit."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.bench.landings import Landing
from pipelines.bench.machine import BENCH_DUCKDB_MEMORY_LIMIT, machine_facts
from pipelines.bench.runs import run_config, run_environment
from pipelines.ingest.limits import load_limits

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
    """Without a limit DuckDB keeps up to 80 % of the memory: the peak-memory target is for
    an installation that sets one, and the report says which."""
    landing = _landing(tmp_path / "landing", 1)
    monkeypatch.delenv("FINSAM_DUCKDB_MEMORY_LIMIT", raising=False)
    environment = run_environment(tmp_path / "run", landing)
    assert environment["FINSAM_DUCKDB_MEMORY_LIMIT"] == BENCH_DUCKDB_MEMORY_LIMIT
    assert machine_facts()["duckdb_memory_limit"] == BENCH_DUCKDB_MEMORY_LIMIT
    monkeypatch.setenv("FINSAM_DUCKDB_MEMORY_LIMIT", "3GB")
    assert run_environment(tmp_path / "run", landing)["FINSAM_DUCKDB_MEMORY_LIMIT"] == "3GB"
    assert machine_facts()["duckdb_memory_limit"] == "3GB"
