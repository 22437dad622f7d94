"""The declared calibration (calibration.yml) and the small lookups derived from it."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

CALIBRATION_FILE = Path(__file__).with_name("calibration.yml")


@cache
def load_calibration() -> dict[str, Any]:
    """Parsed calibration.yml; cached because every module reads it."""
    with CALIBRATION_FILE.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def labels_and_weights(weights: dict[str, float]) -> tuple[list[str], np.ndarray]:
    """Labels in declared order and their weights normalised to probabilities."""
    labels = list(weights)
    values = np.array([float(weights[label]) for label in labels])
    return labels, values / values.sum()


def code_list(name: str) -> list[str]:
    """Every canonical label of one code list, drawn or not."""
    return list(load_calibration()["code_lists"][name])


def insats_names() -> list[str]:
    return list(load_calibration()["insatser"])


def unit_names() -> list[str]:
    return list(load_calibration()["units"])


def esf_insatser() -> list[str]:
    """Insatser with an ESF project, whose persons are reconciled against SCB."""
    return [
        name for name, spec in load_calibration()["insatser"].items() if spec.get("esf_projects")
    ]
