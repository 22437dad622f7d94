"""Reviderad: the key figures of a closed tertial that a later delivery changed, as a view
shows them. The dashboard's Översikt and the period report both ask here, so both show the
same revision the same way (marts.tertial_figure_revisions, protected by the disclosure
module: each version perturbed by its own cell keys, a share from its own basis counts)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from pipelines.disclosure import CELL_KEY_SUFFIX, protect_record
from pipelines.figure_catalog import Catalog, protections

REVISIONS_SQL = """
select figure_id, figure_value, cell_key, first_published_value, first_published_cell_key,
    first_published_at, is_revised
from marts.tertial_figure_revisions
where insats = ? and unit = ? and period_start = ? and period_end = ?
"""


def _as_shown(rows: pd.DataFrame, value: str, key: str, catalog: Catalog) -> dict[str, object]:
    """One version of the tertial's figures, protected as every view protects them."""
    record = dict(zip(rows["figure_id"], rows[value], strict=True))
    record |= {
        f"{figure}{CELL_KEY_SUFFIX}": cell_key
        for figure, cell_key in zip(rows["figure_id"], rows[key], strict=True)
    }
    return protect_record(record, protections(catalog, "period_flows"))


def revised_figures(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    insats: str,
    unit: str,
    period: tuple[date, date],
) -> list[dict[str, object]]:
    """The tertial's revised figures whose shown value changed: figure_id, value (today's),
    first_published_value and first_published_at (ISO 8601). Empty for a period that is
    no tertial, a running one, or one no delivery changed."""
    rows = con.execute(REVISIONS_SQL, [insats, unit, *period]).df()
    if rows.empty or not rows["is_revised"].any():
        return []
    now = _as_shown(rows, "figure_value", "cell_key", catalog)
    before = _as_shown(rows, "first_published_value", "first_published_cell_key", catalog)
    return [
        {
            "figure_id": figure,
            "value": now[figure],
            "first_published_value": before[figure],
            "first_published_at": pd.Timestamp(first).isoformat(),
        }
        for figure, first in zip(
            rows.loc[rows["is_revised"], "figure_id"],
            rows.loc[rows["is_revised"], "first_published_at"],
            strict=True,
        )
        if str(now[figure]) != str(before[figure])
    ]
