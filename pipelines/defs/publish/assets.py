"""The last step of every run: the work database becomes the published warehouse."""

import dagster as dg

from pipelines.defs.dbt.assets import finsam_dbt_models
from pipelines.defs.quality.assets import quality_tables
from pipelines.defs.resources import Warehouse
from pipelines.publication import publish, stamp_publication


@dg.asset(
    key=["meta", "publication"],
    deps=[*finsam_dbt_models.keys, *quality_tables.keys],
    group_name="publish",
    kinds={"duckdb"},
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Publicerat lager: kopia av arbetsdatabasen som ersätter FINSAM_WAREHOUSE i ett steg.

    Runs only when every model and quality table upstream materialised (a failed blocking
    check skips it), so readers keep the last good warehouse when a run goes wrong.
    """
    with warehouse.connect() as con:
        published_at = stamp_publication(con, context.run.run_id)
    settings = warehouse.settings
    size = publish(settings.work_db, settings.warehouse)
    return dg.MaterializeResult(
        metadata={
            "published_at": published_at.isoformat(),
            "path": dg.MetadataValue.path(str(settings.warehouse)),
            "size_mb": round(size / 1e6, 1),
        }
    )
