"""`dbt build` as Dagster assets, then `dbt docs generate` when the project or the schema
changed, so the docs match the data without paying for them every night."""

import hashlib
import json
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.defs.dbt.build_selection import (
    BuildSelection,
    build_selection,
    input_fingerprints,
    read_manifest,
    record_fingerprints,
    recorded_fingerprints,
)
from pipelines.defs.dbt.cli_resource import finsam_dbt_cli
from pipelines.defs.dbt.project import TARGET_DIR, finsam_dbt_project, project_fingerprint
from pipelines.defs.dbt.translator import FinsamDbtTranslator
from pipelines.defs.resources import WorkDatabase

DOCS_ARTIFACTS = ("index.html", "manifest.json", "catalog.json")
# A build folder (dbt_project/target/<asset>-<run>-<id>) is removed by its run at the end; one
# older than this was left by a killed run (no run lasts a day) and goes at the next build.
STALE_BUILD_FOLDER_SECONDS = 24 * 3600
DOCS_FINGERPRINT = "docs.fingerprint"


def profile_vars(work_db: WorkDatabase, unchanged_models: Sequence[str] = ()) -> list[str]:
    """`--vars` naming the work database and DuckDB's memory limit and threads, which
    dbt_project/profiles.yml reads as `work_db`, `duckdb_memory_limit` and `duckdb_threads`,
    and the models tonight's build leaves unchanged (`unchanged_models`: a model built per
    person recomputes only the changed persons when its other inputs are among them,
    dbt_project/macros/per_person_increments.sql).

    Given to each dbt command rather than through the environment, so no step changes
    `os.environ`. They do not make dbt parse again: `finsam-dbt` (runner.py) starts from the
    prepared manifest whatever the path and vars.
    """
    return [
        "--vars",
        json.dumps(
            {
                "work_db": str(work_db.file),
                "duckdb_memory_limit": work_db.memory_limit,
                "duckdb_threads": work_db.threads,
                "unchanged_models": list(unchanged_models),
            }
        ),
    ]


def build_command(work_db: WorkDatabase, selection: BuildSelection) -> list[str]:
    """`dbt build` with the work database's vars and dbt threads, leaving out what is current.

    Less written that nobody reads (measured at 1 000 participants): the manifest.json and
    run_results.json of a build folder removed at the end of the step (dagster-dbt reads the
    events dbt prints), 0.4 s of dbt's start-up; and every SQL statement in the folder's
    dbt.log, 0.9 s (a failed model's SQL stays in the folder's compiled/ and run/).
    """
    exclude = ["--exclude", " ".join(selection.excluded)] if selection.excluded else []
    threads = ["--threads", str(work_db.dbt_threads)]
    quieter = ["--no-write-json", "--log-level-file", "info"]
    # A full build rebuilds the per-person models from scratch, so a changed column list
    # never meets the stored table (the tertial history opts out: it keeps what was published).
    refresh = ["--full-refresh"] if selection.is_full else []
    variables = profile_vars(work_db, selection.excluded)
    return ["build", *quieter, *variables, *threads, *refresh, *exclude]


@dbt_assets(
    manifest=finsam_dbt_project().manifest_path,
    project=finsam_dbt_project(),
    dagster_dbt_translator=FinsamDbtTranslator(),
)
def finsam_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, work_db: WorkDatabase
) -> Iterator[Any]:
    """Staging, intermediate and marts (see dbt_project/models/**/_*__models.yml), rebuilt
    where their inputs changed since the last build (defs/dbt/build_selection.py)."""
    work_db.file.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_build_folders(TARGET_DIR, context.op_execution_context.op.name, time.time())
    inputs, selection = plan_build(work_db)
    context.log.info(f"dbt build: {selection.reason}")
    yield from unchanged_results(context, selection)
    build = dbt.cli(build_command(work_db, selection), context=context)
    yield from build.stream()
    with work_db.connect() as con:
        record_fingerprints(con, inputs)
    docs_fingerprint = docs_state(work_db)
    if docs_are_current(docs_fingerprint):
        context.log.info("dbt docs current: the project and the warehouse schema are unchanged")
        shutil.rmtree(build.target_path, ignore_errors=True)
    else:
        publish_docs(dbt, build.target_path, profile_vars(work_db), docs_fingerprint)


def remove_stale_build_folders(target: Path, op_name: str, now: float) -> None:
    """The build folders killed runs left behind (STALE_BUILD_FOLDER_SECONDS); dagster-dbt
    names each `<op>-<run>-<id>`."""
    for folder in target.glob(f"{op_name}-*"):
        if now - folder.stat().st_mtime > STALE_BUILD_FOLDER_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def plan_build(work_db: WorkDatabase) -> tuple[dict[str, str], BuildSelection]:
    """Tonight's inputs and what of the last build they leave as it is."""
    manifest = read_manifest(finsam_dbt_project().manifest_path)
    with work_db.connect() as con:
        inputs = input_fingerprints(con, manifest, project_fingerprint())
        recorded = recorded_fingerprints(con)
    return inputs, build_selection(manifest, recorded, inputs)


def unchanged_results(
    context: dg.AssetExecutionContext, selection: BuildSelection
) -> Iterator[dg.MaterializeResult]:
    """The models left as the last build made them are current too: said so (first, as
    none of them reads a model rebuilt tonight), so the steps after dbt run as after a full
    build."""
    selected = {key.path[-1]: key for key in context.selected_asset_keys}
    for name in selection.excluded:
        if name in selected:
            yield dg.MaterializeResult(
                asset_key=selected[name],
                metadata={"oförändrad": "indata oförändrade sedan förra bygget"},
            )


def docs_dir() -> Path:
    return finsam_dbt_project().project_dir / "target" / "docs"


def docs_state(work_db: WorkDatabase) -> str:
    """What the docs describe: the project's content and every column of the work database.

    The catalogue dbt docs show is the schema (tables, columns, types), so new rows alone
    leave the docs as they were.
    """
    with work_db.connect() as con:
        columns = con.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns order by all"
        ).fetchall()
    digest = hashlib.sha256(project_fingerprint().encode())
    digest.update(repr(columns).encode())
    return digest.hexdigest()


def docs_are_current(fingerprint: str) -> bool:
    stamp = docs_dir() / DOCS_FINGERPRINT
    present = all((docs_dir() / name).exists() for name in DOCS_ARTIFACTS)
    return present and stamp.exists() and stamp.read_text().strip() == fingerprint


def publish_docs(
    dbt: DbtCliResource, build_target: Path, dbt_vars: list[str], fingerprint: str
) -> Path:
    """Generate dbt docs of the data just built into dbt_project/target/docs.

    Generated in the build's own target folder from the prepared manifest (runner.py);
    `dbt docs serve --target-path target/docs` then serves them. The
    run's folder is removed afterwards so nightly runs do not pile up artifacts. The
    fingerprint is written last: docs interrupted midway are generated again next run.
    """
    dbt.cli(["docs", "generate", *dbt_vars], target_path=build_target).wait()
    folder = docs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DOCS_FINGERPRINT).unlink(missing_ok=True)
    for name in DOCS_ARTIFACTS:
        shutil.copy2(build_target / name, folder / name)
    (folder / DOCS_FINGERPRINT).write_text(fingerprint + "\n")
    shutil.rmtree(build_target, ignore_errors=True)
    return folder


@dg.definitions
def dbt_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[finsam_dbt_models],
        resources={"dbt": finsam_dbt_cli()},
    )
