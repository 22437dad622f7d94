"""`dbt build` as Dagster assets, then `dbt docs generate` so the docs match the data."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.defs.dbt.project import DBT_EXECUTABLE, finsam_dbt_project
from pipelines.defs.dbt.translator import FinsamDbtTranslator
from pipelines.settings import load_settings

DOCS_ARTIFACTS = ("index.html", "manifest.json", "catalog.json")


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
)
def finsam_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Staging, intermediate and marts (see dbt_project/models/**/_*__models.yml)."""
    export_work_db()
    load_settings().work_db.parent.mkdir(parents=True, exist_ok=True)
    build = dbt.cli(["build"], context=context)
    yield from build.stream()
    publish_docs(dbt, build.target_path)


def publish_docs(dbt: DbtCliResource, build_target: Path) -> Path:
    """Generate dbt docs of the data just built into dbt_project/target/docs.

    Generated in the build's own target folder, so dbt reuses that parse instead of parsing
    the project again; `dbt docs serve --target-path target/docs` then serves them. The
    run's folder is removed afterwards so nightly runs do not pile up artifacts.
    """
    dbt.cli(["docs", "generate"], target_path=build_target).wait()
    docs_dir = finsam_dbt_project().project_dir / "target" / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for name in DOCS_ARTIFACTS:
        shutil.copy2(build_target / name, docs_dir / name)
    shutil.rmtree(build_target, ignore_errors=True)
    return docs_dir


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
