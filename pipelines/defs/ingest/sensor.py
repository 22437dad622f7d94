"""Start the whole pipeline when a delivery lands whose content the warehouse has not loaded
(see `deliveries.py` for how new is decided)."""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from pipelines.defs.ingest.deliveries import unloaded_deliveries
from pipelines.defs.resources import Landing, PublishedWarehouse
from pipelines.defs.schedules import nightly_job
from pipelines.run_recovery import live_runs, recover_dead_runs


@dg.sensor(
    job=nightly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Startar en körning när en leverans landar vars innehåll lagret inte har "
    "läst in, oavsett filens ändringstid; läker först körningar som en död process lämnat.",
)
def landing_sensor(
    context: dg.SensorEvaluationContext, landing: Landing, published_warehouse: PublishedWarehouse
):
    for run_id in recover_dead_runs(context.instance, published_warehouse.file):
        context.log.warning(f"Körning {run_id} lämnades av en död process: markerad misslyckad.")
    if live_runs(context.instance):
        return dg.SkipReason("En körning pågår; nya leveranser tas när den är klar.")
    cache = json.loads(context.cursor) if context.cursor else {}
    new = unloaded_deliveries(landing, published_warehouse.file, cache)
    context.update_cursor(json.dumps(cache))
    if not new:
        return dg.SkipReason("Inga nya leveranser: lagret har redan läst in varje fil.")
    return dg.RunRequest(run_key=hashlib.sha256("\n".join(new).encode()).hexdigest())
