"""Synthetic persons: unique samordningsnummer (day + 60) with a valid Luhn digit, vectorised.

The scalar rules live in pipelines.personnummer; this is the same arithmetic over numpy
arrays so a million persons take well under a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.personnummer import COORDINATION_DAY_OFFSET

_LUHN_WEIGHTS = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
_MAX_REDRAWS = 200


def luhn_digits(nine_digits: np.ndarray) -> np.ndarray:
    """Luhn check digits of integers YYMMDDNNN (see pipelines.personnummer.luhn_check_digit)."""
    powers = 10 ** np.arange(8, -1, -1, dtype="int64")
    digits = (nine_digits[:, None] // powers) % 10
    products = digits * _LUHN_WEIGHTS
    total = (products // 10 + products % 10).sum(axis=1)
    return (10 - total % 10) % 10


def samordningsnummer(
    rng: np.random.Generator, birth: np.ndarray, is_man: np.ndarray
) -> np.ndarray:
    """Unique 12-digit samordningsnummer (int64) for birth dates (datetime64[D]) and genders.

    The serial's last digit is odd for men and even for women; clashes are redrawn until
    every number is unique, so a person is one number.
    """
    stamp = pd.DatetimeIndex(birth)
    yyyymmdd = (
        stamp.year.to_numpy(dtype="int64") * 10_000
        + stamp.month.to_numpy(dtype="int64") * 100
        + stamp.day.to_numpy(dtype="int64")
        + COORDINATION_DAY_OFFSET
    )
    gender_digit = np.where(is_man, 1, 0)
    serial = rng.integers(0, 100, size=len(birth)) * 10 + rng.integers(0, 5, len(birth)) * 2
    serial += gender_digit
    for _ in range(_MAX_REDRAWS):
        nine = (yyyymmdd % 1_000_000) * 1000 + serial
        numbers = (yyyymmdd * 1000 + serial) * 10 + luhn_digits(nine)
        clashes = _later_duplicates(numbers)
        if not clashes.any():
            return numbers
        redraw = rng.integers(0, 100, size=clashes.sum()) * 10
        serial[clashes] = redraw + rng.integers(0, 5, clashes.sum()) * 2 + gender_digit[clashes]
    raise ValueError("too many persons share a birth date and gender for 500 serial numbers")


def _later_duplicates(values: np.ndarray) -> np.ndarray:
    """True for every occurrence of a value after its first."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    repeated = np.zeros(len(values), dtype=bool)
    repeated[order[1:]] = sorted_values[1:] == sorted_values[:-1]
    return repeated
