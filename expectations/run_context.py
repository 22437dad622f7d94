"""What one quality run is evaluated against: the build's clock and the configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import yaml


@dataclass(frozen=True)
class QualityRun:
    """One evaluation. `run_at` and `as_of` are the dbt build's (quality.quality_run), so
    the findings' days_open, the verdicts and their history share one clock."""

    as_of: date
    run_at: datetime
    scb_reconciliation_tolerance: float | None = None


def configured_tolerance(config_file: Path) -> float | None:
    """`quality.scb_reconciliation_tolerance` of the insats configuration, if set."""
    if not config_file.exists():
        return None
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    value = (config.get("quality") or {}).get("scb_reconciliation_tolerance")
    return None if value is None else float(value)


def current_run(con: duckdb.DuckDBPyConnection, config_file: Path) -> QualityRun:
    """The run the dbt quality models were built for, with the installation's configuration."""
    [(run_at, as_of)] = con.execute("select run_at, as_of from quality.quality_run").fetchall()
    return QualityRun(
        as_of=as_of,
        run_at=run_at,
        scb_reconciliation_tolerance=configured_tolerance(config_file),
    )
