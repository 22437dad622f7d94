"""The small-cell rule of official statistics, shared by every view managers read.

A cell describing 1-4 persons is shown as "<5"; zero describes nobody and stays visible.
A figure built on such a count (a share, a mean, a cost per person) is shown as "<5" with
it: which counts a figure rests on is its disclosure basis in the figure catalogue
(`pipelines.figure_catalog`). The dashboard and the period report both mask through this
module, so the rule cannot drift apart.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import pandas as pd

MIN_CELL = 5
MASK = "<5"


def is_small(count: object) -> bool:
    """A person count that would let a reader single someone out."""
    return isinstance(count, numbers.Real) and not pd.isna(count) and 0 < count < MIN_CELL


def small_counts(counts: pd.Series) -> pd.Series:
    """`is_small` for a whole column at once."""
    return pd.to_numeric(counts, errors="coerce").between(0, MIN_CELL, inclusive="neither")


def is_protected(values: Mapping[str, object], basis: Sequence[str]) -> bool:
    """Whether a figure must be masked: any count of its basis is small."""
    return any(is_small(values.get(column)) for column in basis)


def protect(value: object, values: Mapping[str, object], basis: Sequence[str]) -> object:
    """The value, or MASK when its basis is protected."""
    return MASK if is_protected(values, basis) else value


def protect_frame(df: pd.DataFrame, bases: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Mask every column of `bases` (column -> its counts) row by row; others are kept.

    Decided on the unmasked counts, so the order of the columns does not matter.
    """
    masked = df.copy()
    for column, basis in bases.items():
        present = [count for count in basis if count in df]
        if column not in df or not present:
            continue
        hidden = pd.concat([small_counts(df[count]) for count in present], axis=1).any(axis=1)
        masked[column] = masked[column].astype(object).where(~hidden, MASK)
    return masked
