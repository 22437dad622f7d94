"""Vectorised random draws shared by the source generators (one seeded Generator)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.demo.calibration import labels_and_weights

DAY = np.timedelta64(1, "D")


def categorical(rng: np.random.Generator, weights: dict[str, float], size: int) -> pd.Categorical:
    """Labels drawn by weight, as a pandas Categorical (codes, not millions of strings)."""
    labels, probabilities = labels_and_weights(weights)
    codes = rng.choice(len(labels), size=size, p=probabilities)
    return pd.Categorical.from_codes(codes, categories=labels)


def days(values: np.ndarray) -> np.ndarray:
    """Whole days as a timedelta array, for date arithmetic on datetime64[D]."""
    return np.rint(values).astype("int64") * DAY


def lognormal_days(
    rng: np.random.Generator, median: float | np.ndarray, sigma: float, size: int
) -> np.ndarray:
    """Durations in days: right-skewed like real throughput times, given their median."""
    return np.exp(np.log(median) + sigma * rng.standard_normal(size))


def weekly_hours(rng: np.random.Generator, spec: dict[str, float], size: int) -> np.ndarray:
    """Attended hours per week (gamma: most attend a few hours, some many)."""
    return rng.gamma(spec["shape"], spec["mean"] / spec["shape"], size)


def planted_rows(
    rng: np.random.Generator, eligible: np.ndarray, share: float, minimum: int = 0
) -> np.ndarray:
    """Indices of rows that get a defect: ``share`` of the eligible ones, at least ``minimum``."""
    candidates = np.flatnonzero(eligible)
    count = min(len(candidates), max(minimum, round(share * len(candidates))))
    return np.sort(rng.choice(candidates, size=count, replace=False))


def set_labels(column: pd.Series, rows: np.ndarray, labels: np.ndarray) -> pd.Categorical:
    """Replace the labels of some rows, extending the categories as needed."""
    column = pd.Categorical(column)
    new = [label for label in dict.fromkeys(labels) if label not in column.categories]
    categories = pd.Index([*column.categories, *new])
    codes = column.codes.copy()
    codes[rows] = categories.get_indexer(labels)
    return pd.Categorical.from_codes(codes, categories=categories)
