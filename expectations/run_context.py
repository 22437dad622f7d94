"""What one quality run is evaluated against: the day, the run time and the configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from pipelines.settings import load_settings

CODE_LABELS_SEED = Path(__file__).parents[1] / "dbt_project" / "seeds" / "code_labels.csv"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class QualityRun:
    """One evaluation: `as_of` decides which fields are due and which dates lie in the future."""

    as_of: date
    run_at: datetime
    scb_reconciliation_tolerance: float | None = None
    code_labels: Path = CODE_LABELS_SEED


def _configured_tolerance(config_file: Path) -> float | None:
    """`quality.scb_reconciliation_tolerance` of the insats configuration, if set."""
    if not config_file.exists():
        return None
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    value = (config.get("quality") or {}).get("scb_reconciliation_tolerance")
    return None if value is None else float(value)


def current_run(as_of: date | None = None) -> QualityRun:
    """A run now, on today's date in Sweden unless told otherwise, with the installed config."""
    run_at = datetime.now(UTC)
    return QualityRun(
        as_of=as_of or run_at.astimezone(STOCKHOLM).date(),
        run_at=run_at,
        scb_reconciliation_tolerance=_configured_tolerance(load_settings().config),
    )
