"""Run the real pipeline (`python -m pipelines.run`) on the landing of every reference case,
once per test session, with every FINSAM_* path in a temporary folder."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.reference import build_duellen, build_follow_up, build_samverkan
from tests.reference.source_files import merged_config, write_config

REPO = Path(__file__).resolve().parents[2]
PIPELINE_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class BuiltCase:
    """The reference landing, its configuration and published warehouse, and the run's output."""

    root: Path
    landing: Path
    config: Path
    warehouse: Path
    returncode: int
    output: str

    @property
    def env(self) -> dict[str, str]:
        return case_env(self.root)

    def connect(self) -> duckdb.DuckDBPyConnection:
        if not self.warehouse.is_file():
            pytest.fail(f"pipelinen publicerade inget lager:\n{self.output[-4000:]}")
        return duckdb.connect(str(self.warehouse), read_only=True)

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Rows of one query on the published warehouse, read-only."""
        with self.connect() as con:
            return con.execute(sql, list(params)).fetchall()


def case_env(root: Path) -> dict[str, str]:
    """The environment of a run whose every file lives under `root`."""
    env = dict(os.environ)
    env.pop("FINSAM_ENV", None)
    env.pop("DAGSTER_HOME", None)
    env.update(
        FINSAM_LANDING=str(root / "landing"),
        FINSAM_WAREHOUSE=str(root / "warehouse.duckdb"),
        FINSAM_WORK_DB=str(root / "work" / "warehouse_work.duckdb"),
        FINSAM_CONFIG=str(root / "config" / "insatser.yml"),
        FINSAM_PSEUDONYM_KEY="reference-case-key-not-secret",
        FINSAM_SETTLE_SECONDS="0",  # the case files are written complete
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


CASES = (build_duellen, build_samverkan, build_follow_up)


def run_pipeline(root: Path) -> subprocess.CompletedProcess[str]:
    """`python -m pipelines.run` (what `make pipeline` runs) on the files under `root`."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines.run"],
        cwd=REPO,
        env=case_env(root),
        capture_output=True,
        text=True,
        timeout=PIPELINE_TIMEOUT_SECONDS,
        check=False,
    )


def write_reference_landing(landing: Path, config: Path) -> None:
    """Every reference case's files in one landing, and one configuration for them all:
    one pipeline run serves every case, and the cases show they do not disturb each other."""
    for case in CASES:
        case.write_sources(landing)
    write_config(config, merged_config([case.config() for case in CASES]))


def built_reference_cases(factory: pytest.TempPathFactory) -> BuiltCase:
    """The reference landing run through the pipeline, once per test session, whichever
    test folder asks first."""
    return _published(factory.getbasetemp())


@functools.cache
def _published(basetemp: Path) -> BuiltCase:
    root = basetemp / "reference_cases"
    root.mkdir()
    landing, config = root / "landing", root / "config" / "insatser.yml"
    write_reference_landing(landing, config)
    result = run_pipeline(root)
    output = result.stdout + result.stderr
    return BuiltCase(root, landing, config, root / "warehouse.duckdb", result.returncode, output)


def run_report(case: BuiltCase, *args: str, env: dict[str, str] | None = None):
    """`python -m pipelines.report` against the case's warehouse, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines.report", *args],
        cwd=REPO,
        env=env or case.env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def report_json(case: BuiltCase, *args: str) -> dict:
    """The report's JSON form, failing the test with the command's stderr if it fails."""
    result = run_report(case, *args, "--format", "json")
    if result.returncode != 0:
        pytest.fail(f"rapporten misslyckades: {result.stderr.decode()}")
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def duellen(tmp_path_factory: pytest.TempPathFactory) -> BuiltCase:
    """The published warehouse holding reference case 1 (and the other cases)."""
    return built_reference_cases(tmp_path_factory)


@pytest.fixture(scope="session")
def samverkan(tmp_path_factory: pytest.TempPathFactory) -> BuiltCase:
    """The published warehouse holding reference case 2 (and the other cases)."""
    return built_reference_cases(tmp_path_factory)


@pytest.fixture(scope="session")
def follow_up(tmp_path_factory: pytest.TempPathFactory) -> BuiltCase:
    """The published warehouse holding reference case 3 (and the other cases)."""
    return built_reference_cases(tmp_path_factory)
