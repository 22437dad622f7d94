"""The insats configuration (FINSAM_CONFIG) matching the generated landing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.demo.calibration import load_calibration


def insats_config() -> dict[str, Any]:
    """Units with municipalities, defaults, one entry per insats, and quality settings."""
    cal = load_calibration()
    units = {
        unit: {
            "municipality_code": spec["municipality_code"],
            "municipality_name": cal["municipalities"][spec["municipality_code"]]["name"],
        }
        for unit, spec in cal["units"].items()
    }
    insatser = {
        name: {
            "goal_reasons": spec["goal_reasons"],
            "trial_days": spec["trial_days"],
            "esf_project": spec.get("esf_projects"),
            "projekt": spec["projekt"],
            **({"targets": spec["targets"]} if spec.get("targets") else {}),
        }
        for name, spec in cal["insatser"].items()
    }
    return {
        "forbund": cal["forbund"],
        "units": units,
        "defaults": cal["config_defaults"],
        "insatser": insatser,
        "stated_figures": [],
        "quality": {"scb_reconciliation_tolerance": cal["scb_reconciliation_tolerance"]},
    }


def write_config(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(insats_config(), allow_unicode=True, sort_keys=False, width=100)
    path.write_text(
        "# Insats configuration of the synthetic demo förbund (pipelines.demo).\n" + text,
        encoding="utf-8",
    )
