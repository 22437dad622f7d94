"""When the whole pipeline runs: nightly when something changed, and (see
defs/ingest/sensor.py) when files land."""

import dagster as dg

from pipelines.defs.ingest.deliveries import unloaded_deliveries
from pipelines.defs.publish.build_inputs import build_inputs, published_build_inputs
from pipelines.defs.resources import InsatsConfigFile, Landing, PublishedWarehouse

nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Hela kedjan: inläsning, dbt, kvalitetskontroller och publicering.",
)

NOTHING_CHANGED = (
    "Inget nytt sedan senaste publiceringen: inga nya leveranser, samma konfiguration och "
    "samma dbt-projekt. Lagret är redan byggt av just detta; ingen körning behövs."
)


def why_build(
    landing: Landing, published_warehouse: PublishedWarehouse, config_file: InsatsConfigFile
) -> str | None:
    """Why tonight's run is needed (Swedish, for the run's tags), or None when nothing changed."""
    built_from = published_build_inputs(published_warehouse.file)
    if built_from is None:
        return "inget publicerat lager (eller inget känt ursprung)"
    if built_from != build_inputs(config_file.file):
        return "konfigurationen eller dbt-projektet har ändrats"
    new = unloaded_deliveries(landing, published_warehouse.file, cache={})
    return f"{len(new)} nya leveranser" if new else None


@dg.schedule(
    name="nightly_0200",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Stockholm",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Varje natt kl. 02:00 svensk tid, när en leverans, konfigurationen eller "
    "dbt-projektet är nytt sedan senaste publiceringen; annars noteras att inget behövs.",
)
def nightly_schedule(
    context: dg.ScheduleEvaluationContext,
    landing: Landing,
    published_warehouse: PublishedWarehouse,
    config_file: InsatsConfigFile,
) -> dg.RunRequest | dg.SkipReason:
    reason = why_build(landing, published_warehouse, config_file)
    if reason is None:
        return dg.SkipReason(NOTHING_CHANGED)
    context.log.info(f"Nattens körning behövs: {reason}.")
    return dg.RunRequest(tags={"finsam/reason": reason})
