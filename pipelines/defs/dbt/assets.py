"""`dbt build` as Dagster assets, then `dbt docs generate` so the docs match the data."""

import os
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.defs.dbt.project import DBT_EXECUTABLE, finsam_dbt_project
from pipelines.defs.dbt.translator import FinsamDbtTranslator
from pipelines.settings import load_settings

DOCS_TARGET = "target"


def export_work_db() -> None:
    """Point dbt's profile at the work DB that settings resolve, whatever variables are set.

    The profile reads FINSAM_WORK_DB; settings may derive the path from FINSAM_WAREHOUSE
    instead, so the resolved path is exported before dbt starts.
    """
    os.environ["FINSAM_WORK_DB"] = str(load_settings().work_db.resolve())


@dbt_assets(
    manifest=finsam_dbt_project().manifest_path,
    project=finsam_dbt_project(),
    dagster_dbt_translator=FinsamDbtTranslator(),
    pool="duckdb",
)
def finsam_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Staging, intermediate and marts (see dbt_project/models/**/_*__models.yml)."""
    export_work_db()
    load_settings().work_db.parent.mkdir(parents=True, exist_ok=True)
    yield from dbt.cli(["build"], context=context).stream()
    dbt.cli(
        ["docs", "generate"],
        manifest=finsam_dbt_project().manifest_path,
        target_path=finsam_dbt_project().project_dir / DOCS_TARGET,
    ).wait()


@dg.definitions
def dbt_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[finsam_dbt_models],
        resources={
            "dbt": DbtCliResource(
                project_dir=finsam_dbt_project(), dbt_executable=str(DBT_EXECUTABLE)
            )
        },
    )
