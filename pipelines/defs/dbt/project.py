"""The one dbt project of the code location, prepared once per process."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"

# The dbt of the interpreter running Dagster, so runs work without the venv on PATH.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"


@cache
def finsam_dbt_project() -> DbtProject:
    """The dbt project, with a manifest: parsed under `dagster dev`, or when none exists yet.

    A clean clone has no manifest, and the definitions cannot load without one, so the first
    load parses the project (about ten seconds) instead of failing.
    """
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    if not project.manifest_path.exists():
        project.preparer.prepare(project)
    return project
