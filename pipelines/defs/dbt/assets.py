"""`dbt build` as Dagster assets, then `dbt docs generate` so the docs match the data."""

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.defs.dbt.project import DBT_EXECUTABLE, finsam_dbt_project
from pipelines.defs.dbt.translator import FinsamDbtTranslator
from pipelines.defs.resources import WorkDatabase

DOCS_ARTIFACTS = ("index.html", "manifest.json", "catalog.json")
PARTIAL_PARSE = "partial_parse.msgpack"


def profile_vars(work_db: WorkDatabase) -> list[str]:
    """`--vars` naming the work database, which dbt_project/profiles.yml reads as `work_db`.

    Given to each dbt command rather than through the environment, so no step changes
    `os.environ`. dbt re-parses in full when the path changes, whichever way it is given:
    its partial-parse check hashes the profile's connection values, the path among them
    (dbt-core `build_manifest_state_check`); see `keep_parse` for the unchanged path.
    """
    return ["--vars", json.dumps({"work_db": str(work_db.file)})]


@dbt_assets(
    manifest=finsam_dbt_project().manifest_path,
    project=finsam_dbt_project(),
    dagster_dbt_translator=FinsamDbtTranslator(),
)
def finsam_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, work_db: WorkDatabase
) -> Iterator[Any]:
    """Staging, intermediate and marts (see dbt_project/models/**/_*__models.yml)."""
    work_db.file.parent.mkdir(parents=True, exist_ok=True)
    build = dbt.cli(["build", *profile_vars(work_db)], context=context)
    yield from build.stream()
    keep_parse(build.target_path)
    publish_docs(dbt, build.target_path, profile_vars(work_db))


def keep_parse(build_target: Path) -> None:
    """Keep this build's parse as the project's, for the next run to start from.

    dagster-dbt copies `target/partial_parse.msgpack` into each run's folder, and dbt reuses
    it while the work-DB path and vars are unchanged (every night, in production), parsing
    in full otherwise. Replaced atomically: another process may be starting a build.
    """
    parsed = build_target / PARTIAL_PARSE
    if not parsed.exists():
        return
    kept = finsam_dbt_project().project_dir / "target" / PARTIAL_PARSE
    staging = kept.with_name(f".{PARTIAL_PARSE}.{os.getpid()}")
    shutil.copyfile(parsed, staging)
    os.replace(staging, kept)


def publish_docs(dbt: DbtCliResource, build_target: Path, dbt_vars: list[str]) -> Path:
    """Generate dbt docs of the data just built into dbt_project/target/docs.

    Generated in the build's own target folder, so dbt reuses that parse instead of parsing
    the project again; `dbt docs serve --target-path target/docs` then serves them. The
    run's folder is removed afterwards so nightly runs do not pile up artifacts.
    """
    dbt.cli(["docs", "generate", *dbt_vars], target_path=build_target).wait()
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
