"""One complete pipeline run for cron, CI and scripts: every asset and check, then an exit code.

Runs job `nightly` in this process against the Dagster instance in DAGSTER_HOME (so the run
shows in the UI's history), prints what failed in terms a data steward can act on, and exits
non-zero when a step failed or an error-severity check did not pass.

Before it starts, runs left STARTED by a dead process are marked failed and released
(`pipelines.run_recovery`), and a run that is really going on is waited for, saying so,
until `--wait-seconds`; then the run gives up with exit code 3 instead of waiting for ever.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.definitions import defs
from pipelines.defs.resources import InsatsConfigFile, Landing, PublishedWarehouse
from pipelines.defs.schedules import NOTHING_CHANGED, why_build
from pipelines.run_recovery import WORKER_TAG, live_runs, recover_dead_runs, worker_identity
from pipelines.settings import Settings, SettingsError, load_settings

WAIT_POLL_SECONDS = 2.0
WAIT_REPORT_SECONDS = 30.0
EXIT_GAVE_UP = 3


def _instance() -> dg.DagsterInstance:
    if os.environ.get("DAGSTER_HOME"):
        os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[dg.AssetCheckEvaluation]:
    return [check for check in result.get_asset_check_evaluations() if not check.passed]


def _warnings(result: dg.ExecuteInProcessResult) -> list[str]:
    """The `warning` metadata steps put on what they materialised (e.g. built-in defaults
    used for a missing configuration), once each: the run went on, but a steward should act."""
    texts = (
        event.materialization.metadata.get("warning")
        for event in result.get_asset_materialization_events()
    )
    return [f"Varning: {text}" for text in dict.fromkeys(t.value for t in texts if t)]


def summarise(result: dg.ExecuteInProcessResult) -> tuple[list[str], bool]:
    """Lines describing failed steps and checks and warnings, and whether anything counts as
    a failure (a warning does not)."""
    lines = _warnings(result)
    lines += [f"Steg misslyckades: {step}" for step in result.get_failed_step_keys()]
    lines += [f"Steg hoppades över: {event.step_key}" for event in result.get_step_skipped_events()]
    has_error = not result.success or bool(result.get_failed_step_keys())
    for evaluation in _failed_checks(result):
        severity = evaluation.severity.value
        has_error = has_error or evaluation.severity == dg.AssetCheckSeverity.ERROR
        target = evaluation.asset_key.to_user_string()
        lines.append(f"Kontroll {severity}: {target} / {evaluation.check_name}")
    return lines, has_error


# This run's deliveries as marts.deliveries states them, and the files they superseded.
RUN_DELIVERIES_SQL = """
with handled as (
    select distinct file_id, file_name from raw.delivery_log where run_id = $run_id
)
select deliveries.status, deliveries.file_name, deliveries.reason, deliveries.rows_read,
    deliveries.rows_loaded, deliveries.rows_rejected, deliveries.fields_nulled,
    deliveries.superseded_by_file
from marts.deliveries as deliveries
where (deliveries.file_id, deliveries.file_name) in (select (file_id, file_name) from handled)
    or deliveries.superseded_by_file in (select file_name from handled)
order by deliveries.received_at, deliveries.file_name
"""


def _delivery_line(status, name, reason, read, loaded, rejected, nulled, successor) -> str:
    if status == "ersatt":
        return f"ersatt: {name} (av {successor})"
    if status in ("i karantän", "dubblett"):
        return f"{status}: {name}: {reason}"
    counts = (
        f"{read:,} rader lästa, {loaded:,} inlästa, {rejected:,} avvisade, {nulled:,} fält tömda"
    )
    return f"{status}: {name} ({counts.replace(',', ' ')})"


def _published_rows(
    warehouse: Path, run_id: str, sql: str, params: dict[str, object]
) -> list[tuple] | None:
    """The query's rows from the warehouse this run published; None when it published
    nothing (the warehouse is then an earlier run's) or the warehouse lacks the tables."""
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            [(published_by,)] = con.execute("select run_id from meta.publication").fetchall()
            rows = con.execute(sql, params).fetchall()
    except duckdb.Error:  # no warehouse yet, or one built before these tables
        return None
    return rows if published_by == run_id else None


def delivery_lines(warehouse: Path, run_id: str) -> list[str]:
    """What the run did with each delivered file, from the warehouse it published (none when
    it published nothing: the warehouse is then an earlier run's)."""
    rows = _published_rows(warehouse, run_id, RUN_DELIVERIES_SQL, {"run_id": run_id})
    if rows is None:
        return []
    if not rows:
        return ["Inga nya leveranser i körningen."]
    return [f"Leveranser i körningen ({len(rows)}):"] + [
        f"  {_delivery_line(*row)}" for row in rows
    ]


# The tertial figures this run's build changed (a value kept before, another now), per
# insats × unit × tertial: reviderad when the tertial was closed already, avslutad when
# it closed now, preliminär while it runs; labels only, the values stay in the warehouse,
# where the views protect them.
CHANGED_FIGURES_SQL = """
with kept as (
    select *,
        lag(figure_value) over by_build as kept_before,
        lag(is_partial) over by_build as was_partial
    from marts.tertial_figure_history
    window by_build as (partition by insats, unit, period_start, figure_id order by recorded_at)
)
select kept.insats, kept.unit, kept.period_label,
    case
        when bool_or(not kept.is_partial and not kept.was_partial) then 'reviderad'
        when bool_or(not kept.is_partial) then 'avslutad'
        else 'preliminär'
    end as state,
    string_agg(catalog.label, ', ' order by catalog.label) as figures, count(*) as changed
from kept
left join marts.figure_catalog as catalog using (figure_id)
where kept.recorded_at >= $since and kept.was_partial is not null
    and kept.figure_value is distinct from kept.kept_before
group by all
order by state = 'reviderad' desc, kept.period_label desc, kept.insats, kept.unit
"""
SHOWN_FIGURE_CHANGES = 8


def figure_change_lines(warehouse: Path, run_id: str, since: float) -> list[str]:
    """Which tertial figures the run changed (reviderad when the tertial is closed)."""
    since_utc = dt.datetime.fromtimestamp(since, dt.UTC)
    rows = _published_rows(warehouse, run_id, CHANGED_FIGURES_SQL, {"since": since_utc})
    if rows is None:
        return []
    if not rows:
        return ["Inga tertialsiffror ändrades."]
    revised = sum(changed for *_, state, _, changed in rows if state == "reviderad")
    lines = [
        f"Ändrade tertialsiffror: {sum(row[-1] for row in rows)}, varav {revised} i "
        "tertialer som redan var avslutade (visas som reviderade):"
    ]
    for insats, unit, period, state, figures, _ in rows[:SHOWN_FIGURE_CHANGES]:
        lines.append(f"  {insats}, {unit}, {period} ({state}): {figures}")
    if len(rows) > SHOWN_FIGURE_CHANGES:
        lines.append(
            f"  ... och {len(rows) - SHOWN_FIGURE_CHANGES} till (marts.tertial_figure_revisions)"
        )
    return lines


def _say(line: str) -> None:
    """Print at once: a steward watching a piped log must see why the run waits."""
    print(line, flush=True)


def _describe(runs: list[dg.DagsterRun]) -> str:
    return ", ".join(
        f"{run.run_id} ({run.status.value}, {run.tags.get(WORKER_TAG, '?')})" for run in runs
    )


def wait_for_other_runs(
    instance: dg.DagsterInstance,
    settings: Settings,
    timeout_seconds: float,
    say: Callable[[str], None] = _say,
) -> bool:
    """Recover dead runs, then wait while a live run holds the work database.

    Says at once why it waits and repeats it every half minute; False when it gave up.
    """
    deadline = time.monotonic() + timeout_seconds
    last_report = None
    while True:
        for run_id in recover_dead_runs(instance, settings.warehouse):
            say(f"Körning {run_id} lämnades oavslutad av en död process: markerad som misslyckad.")
        running = live_runs(instance)
        if not running:
            return True
        now = time.monotonic()
        if now >= deadline:
            say(
                f"Ger upp efter {timeout_seconds:.0f} s: en annan körning pågår fortfarande "
                f"({_describe(running)}). Ingenting har ändrats; försök igen senare / giving up."
            )
            return False
        if last_report is None or now - last_report >= WAIT_REPORT_SECONDS:
            say(
                f"Väntar: en annan körning använder arbetsdatabasen ({_describe(running)}); "
                f"ger upp om {deadline - now:.0f} s / waiting for a run in progress."
            )
            last_report = now
        time.sleep(WAIT_POLL_SECONDS)


def _resources(settings: Settings) -> tuple[Landing, PublishedWarehouse, InsatsConfigFile]:
    return (
        Landing(path=str(settings.landing), settle_seconds=settings.settle_seconds),
        PublishedWarehouse(path=str(settings.warehouse)),
        InsatsConfigFile(path=str(settings.config)),
    )


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pipelines.run", description=__doc__)
    parser.add_argument(
        "--only-if-changed",
        action="store_true",
        help="run only when a delivery, the configuration or the dbt project is new since the "
        "last publication, as the nightly schedule does (for cron)",
    )
    parser.add_argument(
        "--wait-seconds",
        type=float,
        default=1800.0,
        help="how long to wait for a run already in progress before giving up (default 1800)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    try:
        settings = load_settings()
        settings.pseudonym_key()
    except SettingsError as error:  # no key in production, an unknown FINSAM_ENV
        print(error, file=sys.stderr)
        return 2
    instance = _instance()
    if not wait_for_other_runs(instance, settings, arguments.wait_seconds):
        return EXIT_GAVE_UP
    if arguments.only_if_changed and why_build(*_resources(settings)) is None:
        print(NOTHING_CHANGED)
        return 0
    job = defs().resolve_job_def("nightly")
    started = time.time()
    result = job.execute_in_process(
        instance=instance, raise_on_error=False, tags={WORKER_TAG: worker_identity()}
    )
    materialised = len(result.get_asset_materialization_events())
    checks = result.get_asset_check_evaluations()
    lines, has_error = summarise(result)
    print(
        f"Körning {result.run_id}: {materialised} tillgångar uppdaterade, "
        f"{len(checks)} kontroller, {len(_failed_checks(result))} ej godkända."
    )
    print(f"Publicerat lager: {settings.warehouse}")
    for line in delivery_lines(settings.warehouse, result.run_id):
        print(f"  {line}")
    for line in figure_change_lines(settings.warehouse, result.run_id, started):
        print(f"  {line}")
    for line in lines:
        print(f"  {line}")
    return 1 if has_error else 0


if __name__ == "__main__":
    sys.exit(main())
