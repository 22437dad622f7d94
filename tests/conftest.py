"""Shared fixtures: every test runs against its own files, never the working tree's data/."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.defs.dbt.project import exclusive
from pipelines.demo.generate import generate
from pipelines.settings import Settings, load_settings

DEMO_PARTICIPANTS = 1000
DEMO_SEED = 7
TESTS = Path(__file__).resolve().parent
# Folders whose files share session fixtures (a build each worker would repeat): one group
# each; tests/report reads the warehouse tests/reference builds.
SHARED_BUILD_GROUPS = {
    "dbt": "dbt",
    "demo": "demo",
    "quality": "quality",
    "reference": "reference",
    "report": "reference",
}
# The groups that take longest (measured with --durations=0), started first so that no
# worker is left with a long one at the end.
LONGEST_GROUPS = (
    "recovery/test_crash_and_hostile_landing.py",
    "disclosure/test_report_attack.py",
    "bench/test_bench_smoke.py",
    "reference",
    "quality",
    "figures/test_rule_change.py",
    "test_key_rotation.py",
    "dashboard/test_browser.py",
    "disclosure/test_dashboard_attack.py",
    "bench/test_floor.py",
    "faults/test_single_row_faults.py",
    "figures/test_one_definition.py",
    "ingest/test_planted_personnummer.py",
    "dbt",
)


def group(nodeid: str) -> str:
    """The group a test runs in under `make test` (`pytest -n 2`): its file, or its folder
    when the folder's files share a session build."""
    path = PurePosixPath(nodeid.split("::")[0]).relative_to(TESTS.name)
    shared = SHARED_BUILD_GROUPS.get(path.parts[0]) if len(path.parts) > 1 else None
    return shared or path.as_posix()


@pytest.hookimpl(optionalhook=True)  # pytest without xdist (`-p no:xdist`) still runs
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Each group to one worker, so its module and shared session fixtures are built once.

    A scheduler of our own rather than `--dist loadgroup`: xdist 3.8 renames node ids to
    group them, which pytest 9 no longer lets it do.
    """
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group(nodeid)

    return GroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest groups first (a stable sort: each file keeps its own order)."""
    rank = {name: index for index, name in enumerate(LONGEST_GROUPS)}
    items.sort(key=lambda item: rank.get(group(item.nodeid), len(rank)))


def point_environment(root: Path, setenv) -> None:
    """Set every FINSAM_* variable to a folder under root."""
    setenv("FINSAM_LANDING", str(root / "landing"))
    setenv("FINSAM_WAREHOUSE", str(root / "warehouse.duckdb"))
    setenv("FINSAM_WORK_DB", str(root / "work" / "warehouse_work.duckdb"))
    setenv("FINSAM_CONFIG", str(root / "config" / "insatser.yml"))
    setenv("FINSAM_PSEUDONYM_KEY", "test-key-not-secret")
    setenv("FINSAM_SETTLE_SECONDS", "0")  # tests write files and run at once


@pytest.fixture
def finsam_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point FINSAM_* at empty folders under tmp_path and return the resolved settings."""
    point_environment(tmp_path, monkeypatch.setenv)
    monkeypatch.delenv("FINSAM_ENV", raising=False)
    settings = load_settings()
    for kind in ("arende", "scb", "ekonomi"):
        (settings.landing / kind).mkdir(parents=True)
    return settings


@dataclass(frozen=True)
class DemoRun:
    """One full nightly run over a generated demo landing, shared by the whole session: what
    it published (under `settings`) and what the run reported."""

    settings: Settings
    run_id: str
    success: bool
    skipped_steps: list[str]
    # (asset key, check name, passed, severity) of every asset check the run evaluated.
    checks: list[tuple[str, str, bool, str]]
    # Variables the run added, removed or changed in this process (no step may).
    environment_changes: dict[str, list[str | None]] = field(default_factory=dict)

    @property
    def manifest(self) -> Path:
        return self.settings.landing / "demo_manifest.json"


def _changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list]:
    return {
        name: [before.get(name), after.get(name)]
        for name in before.keys() | after.keys()
        if before.get(name) != after.get(name)
    }


def _run_demo(root: Path) -> dict:
    """Generate the demo under root, run job `nightly` on it, and say what the run reported."""
    with pytest.MonkeyPatch.context() as patch:
        point_environment(root, patch.setenv)
        patch.delenv("FINSAM_WORK_DB")
        patch.delenv("FINSAM_ENV", raising=False)
        settings = load_settings()
        generate(DEMO_PARTICIPANTS, DEMO_SEED, settings.landing, settings.config)
        job = defs().resolve_job_def("nightly")
        before = dict(os.environ)
        with dg.DagsterInstance.ephemeral() as instance:
            result = job.execute_in_process(instance=instance, raise_on_error=False)
        changes = _changes(before, dict(os.environ))
    return {
        "run_id": result.run_id,
        "success": result.success,
        "failed_steps": [event.step_key for event in result.get_step_failure_events()],
        "skipped_steps": [event.step_key for event in result.get_step_skipped_events()],
        "checks": [
            (c.asset_key.to_user_string(), c.check_name, c.passed, c.severity.value)
            for c in result.get_asset_check_evaluations()
        ],
        "environment_changes": changes,
    }


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """Generate the demo for 1 000 participants and run job `nightly` on it once per
    session: the first xdist worker to ask builds it in the folder all workers share, the
    others wait for it and read what the run reported (tests open its files read-only).

    FINSAM_WORK_DB is left unset, so the run takes its default beside the warehouse (the
    same path `point_environment` names) and a step that exported it would show in
    `environment_changes`. The environment is restored afterwards: tests read
    `demo_run.settings` for the paths.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root, record = shared / "demo", shared / "demo_run.json"
    with exclusive(shared / "demo_run.lock"):
        if not record.exists():
            root.mkdir()
            record.write_text(json.dumps(_run_demo(root)))
    reported = json.loads(record.read_text())
    assert reported.pop("success"), reported["failed_steps"]
    with pytest.MonkeyPatch.context() as patch:
        point_environment(root, patch.setenv)
        patch.delenv("FINSAM_WORK_DB")
        settings = load_settings()
    return DemoRun(
        settings=settings,
        run_id=reported["run_id"],
        success=True,
        skipped_steps=reported["skipped_steps"],
        checks=[tuple(check) for check in reported["checks"]],
        environment_changes=reported["environment_changes"],
    )


@pytest.fixture(scope="session")
def demo_warehouse(demo_run: DemoRun) -> Path:
    """The published warehouse of the shared demo run."""
    return demo_run.settings.warehouse
