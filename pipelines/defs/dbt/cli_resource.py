"""The dbt resource: dagster-dbt's, running `finsam-dbt`, without an adapter in the run."""

from __future__ import annotations

from collections.abc import Sequence

from dagster_dbt import DbtCliResource

from pipelines.defs.dbt.project import DBT_EXECUTABLE, finsam_dbt_project


class FinsamDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource, minus the dbt adapter it opens in the run's process.

    Before every command dagster-dbt imports dbt into the Dagster process and loads its
    macros (2.7 s measured) only to fetch column metadata and row counts after the build,
    which these assets do not ask for; dbt itself runs in its own process either way.
    """

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def finsam_dbt_cli() -> FinsamDbtCli:
    """The resource every dbt asset and test uses: this project, run with `finsam-dbt`."""
    return FinsamDbtCli(project_dir=finsam_dbt_project(), dbt_executable=str(DBT_EXECUTABLE))
