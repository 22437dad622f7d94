"""The one dbt project of the code location, prepared once per process."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
SOURCE_FOLDERS = ("models", "macros", "seeds", "snapshots", "tests")

# The dbt of the interpreter running Dagster, so runs work without the venv on PATH.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"


def _project_files() -> Iterator[Path]:
    yield DBT_PROJECT_DIR / "dbt_project.yml"
    yield DBT_PROJECT_DIR / "profiles.yml"
    for folder in SOURCE_FOLDERS:
        yield from (path for path in (DBT_PROJECT_DIR / folder).rglob("*") if path.is_file())


def manifest_is_stale(project: DbtProject) -> bool:
    """Whether the manifest is missing or older than a file of the project."""
    if not project.manifest_path.exists():
        return True
    parsed_at = project.manifest_path.stat().st_mtime
    return any(path.stat().st_mtime > parsed_at for path in _project_files())


@cache
def finsam_dbt_project() -> DbtProject:
    """The dbt project with a current manifest: parsed under `dagster dev`, or when stale.

    A clean clone has no manifest and an edited project an old one; the asset definitions
    are read from it, so a load parses the project (about ten seconds) rather than fail or
    describe models that no longer exist.
    """
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    if manifest_is_stale(project):
        # Not project.preparer: it runs the `dbt` on PATH, which a plain `python -m` lacks.
        DbtCliResource(project_dir=project, dbt_executable=str(DBT_EXECUTABLE)).cli(
            ["parse", "--quiet"], target_path=project.target_path
        ).wait()
    return project
