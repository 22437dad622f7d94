"""How dbt nodes appear in Dagster: keyed by schema like the rest of the warehouse."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject

GROUP_BY_RESOURCE_TYPE = {"seed": "seeds", "snapshot": "snapshots"}


class FinsamDbtTranslator(DagsterDbtTranslator):
    """Keys `[schema, name]` (as `raw/...` and `quality/...`) and groups from the dbt folder.

    Sources keep the keys their `meta.dagster.asset_key` gives, so lineage joins the ingest
    assets; quality checks refer to dbt models as `["marts", "period_flows"]`.
    """

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        resource_type = props["resource_type"]
        if resource_type not in ("model", "seed", "snapshot"):
            return spec
        return spec.replace_attributes(
            key=dg.AssetKey([props["schema"], props["name"]]),
            group_name=GROUP_BY_RESOURCE_TYPE.get(resource_type) or props["fqn"][1],
        )
