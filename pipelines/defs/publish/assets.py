"""The last step of every run: the work database becomes the published warehouse."""

import dagster as dg

from pipelines.defs.dbt.assets import finsam_dbt_models
from pipelines.defs.publish.build_inputs import build_inputs
from pipelines.defs.quality.assets import quality_tables
from pipelines.defs.resources import InsatsConfigFile, PublishedWarehouse, WorkDatabase
from pipelines.publication import publish, stamp_publication


@dg.asset(
    key=["meta", "publication"],
    deps=[*finsam_dbt_models.keys, *quality_tables.keys],
    group_name="publish",
    kinds={"duckdb"},
)
def publication(
    context: dg.AssetExecutionContext,
    work_db: WorkDatabase,
    published_warehouse: PublishedWarehouse,
    config_file: InsatsConfigFile,
):
    """Publicerat lager: kopia av arbetsdatabasen som ersätter FINSAM_WAREHOUSE i ett steg.

    Runs only when every model and quality table upstream materialised (a failed blocking
    check skips it), so readers keep the last good warehouse when a run goes wrong.
    """
    with work_db.connect() as con:
        published_at = stamp_publication(con, context.run.run_id, build_inputs(config_file.file))
    size = publish(work_db.file, published_warehouse.file)
    return dg.MaterializeResult(
        metadata={
            "published_at": published_at.isoformat(),
            "path": dg.MetadataValue.path(str(published_warehouse.file)),
            "size_mb": round(size / 1e6, 1),
        }
    )
