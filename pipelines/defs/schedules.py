"""When the whole pipeline runs: nightly, and (see defs/ingest/sensor.py) when files land."""

import dagster as dg

nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Hela kedjan: inläsning, dbt, kvalitetskontroller och publicering.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_0200",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Stockholm",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Varje natt kl. 02:00 svensk tid.",
)
