"""One complete pipeline run for cron, CI and scripts: every asset and check, then an exit code.

Runs job `nightly` in this process against the Dagster instance in DAGSTER_HOME (so the run
shows in the UI's history), prints what failed in terms a data steward can act on, and exits
non-zero when a step failed or an error-severity check did not pass.
"""

from __future__ import annotations

import os
import sys

import dagster as dg

from pipelines.definitions import defs
from pipelines.settings import MissingPseudonymKeyError, load_settings


def _instance() -> dg.DagsterInstance:
    if os.environ.get("DAGSTER_HOME"):
        os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[dg.AssetCheckEvaluation]:
    return [check for check in result.get_asset_check_evaluations() if not check.passed]


def summarise(result: dg.ExecuteInProcessResult) -> tuple[list[str], bool]:
    """Lines describing failed steps and checks, and whether anything counts as a failure."""
    lines = [f"Steg misslyckades: {step}" for step in result.get_failed_step_keys()]
    lines += [f"Steg hoppades över: {event.step_key}" for event in result.get_step_skipped_events()]
    has_error = not result.success or bool(result.get_failed_step_keys())
    for evaluation in _failed_checks(result):
        severity = evaluation.severity.value
        has_error = has_error or evaluation.severity == dg.AssetCheckSeverity.ERROR
        target = evaluation.asset_key.to_user_string()
        lines.append(f"Kontroll {severity}: {target} / {evaluation.check_name}")
    return lines, has_error


def main() -> int:
    settings = load_settings()
    try:
        settings.pseudonym_key()
    except MissingPseudonymKeyError as error:
        print(error, file=sys.stderr)
        return 2
    job = defs().resolve_job_def("nightly")
    result = job.execute_in_process(instance=_instance(), raise_on_error=False)
    materialised = len(result.get_asset_materialization_events())
    checks = result.get_asset_check_evaluations()
    lines, has_error = summarise(result)
    print(
        f"Körning {result.run_id}: {materialised} tillgångar uppdaterade, "
        f"{len(checks)} kontroller, {len(_failed_checks(result))} ej godkända."
    )
    print(f"Publicerat lager: {settings.warehouse}")
    for line in lines:
        print(f"  {line}")
    return 1 if has_error else 0


if __name__ == "__main__":
    sys.exit(main())
