"""The small-cell rule of official statistics, shared by every view managers read.

A cell describing 1-4 persons is shown as "<5"; zero describes nobody and stays visible.
The dashboard and the period report both import this, so the rule cannot drift apart.
"""

from __future__ import annotations

import pandas as pd

MIN_CELL = 5
MASK = "<5"


def is_small(count: int | None) -> bool:
    """A person count that would let a reader single someone out."""
    return count is not None and 0 < count < MIN_CELL


def small_counts(counts: pd.Series) -> pd.Series:
    """`is_small` for a whole column at once."""
    return counts.between(0, MIN_CELL, inclusive="neither")
