"""Disclosure control for every view managers read: SCB's Cell Key Method.

Every person count a view shows is perturbed. A count of 1 to threshold-1 persons is
published as 0 or the threshold, a larger one gets a little noise (the dbt var
`disclosure` in dbt_project.yml). Which outcome a count gets follows from its cell key,
the `<column>_cell_key` beside it in the marts: the sum of its persons' record keys
modulo the key range. So the same persons give the same published number wherever they
appear: unit and insats, a tertial and its year, a chart and its table, the dashboard and
the report. Totals are perturbed like every other count, so subtracting published numbers
never pins a person with certainty. The figures may not add up, and the views say so
(`note`).

A figure built on counts is protected with them, by the rule its catalogue entry names
(`protection` in the figure catalogue):
- count: perturbed by its own cell key;
- ratio: the first basis count over the second, both perturbed (a share);
- scaled: scaled with its perturbed basis count (per 1 000 inhabitants);
- per_person: an amount per perturbed basis count (cost per participant); like a mean, not
  shown on fewer persons than the threshold (times the published count it would give the
  amount back), and nothing where that count is published as 0 (as for nobody);
- masked: a mean, median or curve point on fewer persons than the threshold is not shown;
- none: money and population describe no person.
A figure whose exact value is missing shows nothing, whatever its rule. A follow-up figure
also names its cohort's maturity flag (`maturity_flag`) and person count (`cohort_basis`):
while the cohort is not mature it is written IMMATURE, never a number (a smaller share
would mislead), and where the cohort is published as 0 it shows nothing, so a cohort of
a few persons published as 0 looks like an empty one (which is never mature). The flags
are not shown: a true one would tell a few persons from none.
The exact figures stay in the warehouse for analysts, and in the report's JSON.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

DBT_PROJECT_FILE = Path(__file__).resolve().parents[1] / "dbt_project" / "dbt_project.yml"
CELL_KEY_SUFFIX = "_cell_key"
MASK = ".."  # SCB's sign for "uppgift kan inte redovisas"
IMMATURE = "ej mogen kohort"  # the registers do not yet cover the month for the whole cohort
NOTE = (
    "Antalen är skyddade med SCB:s cellnyckelmetod: ett antal under {threshold} personer "
    "visas som 0 eller {threshold} och övriga antal kan avvika något, så summor och samband "
    "stämmer inte alltid exakt. Andelar räknas på de skyddade antalen; medelvärden och "
    "medianer på färre än {threshold} personer visas som {mask}."
)


@dataclass(frozen=True)
class Rules:
    """The method's parameters: the threshold, the cell key range and the noise."""

    threshold: int
    key_range: int
    noise: tuple[tuple[int, float], ...]  # (noise, probability), ascending noise


@dataclass(frozen=True)
class Protection:
    """How one column is protected: its rule and the counts it rests on, and for a
    follow-up figure its cohort's maturity flag and person count."""

    rule: str
    basis: tuple[str, ...] = ()
    maturity_flag: str | None = None
    cohort_basis: str | None = None


@functools.cache
def load_rules(project_file: Path = DBT_PROJECT_FILE) -> Rules:
    """The configured method (dbt var `disclosure`); the noise must sum to probability 1."""
    project = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    data = project["vars"]["disclosure"]
    noise = tuple(sorted((int(k), float(v)) for k, v in data["noise"].items()))
    if not math.isclose(sum(p for _, p in noise), 1.0, abs_tol=1e-9):
        raise ValueError(f"{project_file}: vars.disclosure.noise must sum to 1")
    return Rules(int(data["threshold"]), int(data["key_range"]), noise)


def _number(value: object) -> float | None:
    if isinstance(value, numbers.Real) and not pd.isna(value):
        return float(value)
    return None


def _published(counts: pd.Series, keys: pd.Series | None, rules: Rules) -> pd.Series:
    """The published values of a column of person counts with their cell keys; whatever is
    not a number (missing, or text already written for people) stays as it is."""
    values = pd.to_numeric(counts, errors="coerce")
    number = values.notna()
    whole = values.round().fillna(0).astype("int64")
    if keys is None:
        if (number & (whole > 0)).any():
            raise ValueError("a person count without its cell key cannot be published")
        keys = pd.Series(0, index=counts.index)
    key = pd.to_numeric(keys, errors="coerce").fillna(0).astype("int64") % rules.key_range
    position = (key + 0.5) / rules.key_range
    cumulative = np.cumsum([probability for _, probability in rules.noise])
    steps = np.minimum(np.searchsorted(cumulative, position, side="right"), len(cumulative) - 1)
    noise = np.array([noise for noise, _ in rules.noise])[steps]
    large = np.maximum(whole + noise, rules.threshold)
    small = np.where(position < whole / rules.threshold, rules.threshold, 0)
    shown = np.where(whole <= 0, 0, np.where(whole < rules.threshold, small, large))
    return counts.astype(object).where(~number, pd.Series(shown.tolist(), index=counts.index))


def perturbed(count: object, cell_key: object, rules: Rules | None = None) -> object:
    """The published value of one person count with its cell key (a missing one stays)."""
    keys = None if _number(cell_key) is None else pd.Series([cell_key])
    return _published(pd.Series([count], dtype=object), keys, rules or load_rules()).iloc[0]


def is_small(count: object, rules: Rules | None = None) -> bool:
    """A count of persons under the threshold (zero describes nobody)."""
    value = _number(count)
    return value is not None and 0 < value < (rules or load_rules()).threshold


def _small(counts: pd.Series, rules: Rules) -> pd.Series:
    values = pd.to_numeric(counts, errors="coerce")
    return (values > 0) & (values < rules.threshold)


def _objects(values: pd.Series) -> pd.Series:
    """Numbers as Python numbers, missing as None (as the views write them)."""
    return pd.Series(
        [None if pd.isna(v) else float(v) for v in values], index=values.index, dtype=object
    )


def _derived(
    df: pd.DataFrame, published: pd.DataFrame, column: str, how: Protection, rules: Rules
) -> pd.Series:
    """A figure on counts (exact in `df`), as shown beside the published counts."""
    basis = [name for name in how.basis if name in df]
    value = df[column]
    if how.rule == "ratio" and len(basis) >= 2:
        numerator, denominator = (pd.to_numeric(published[b], errors="coerce") for b in basis[:2])
        shown = _objects(numerator / denominator.where(denominator > 0))
    elif how.rule in ("scaled", "per_person") and basis:
        true = pd.to_numeric(df[basis[0]], errors="coerce")
        count = pd.to_numeric(published[basis[0]], errors="coerce")
        factor = count / true if how.rule == "scaled" else true / count
        factor = factor.where((true > 0) & (count > 0))
        shown = _objects(pd.to_numeric(value, errors="coerce") * factor)
    elif how.rule == "masked" and basis:
        shown = value.astype(object)
    else:
        return value
    if how.rule in ("masked", "per_person"):
        hidden = pd.concat([_small(df[b], rules) for b in basis], axis=1).any(axis=1)
        shown = shown.where(~hidden | shown.isna(), MASK)
    return shown.where(value.notna(), None)


def _in_cohort(
    df: pd.DataFrame, published: pd.DataFrame, shown: pd.Series, how: Protection
) -> pd.Series:
    """A follow-up figure as shown: IMMATURE while its cohort is not mature, nothing where
    the cohort is published as 0 (decided on the published count, so a cohort of a few
    persons published as 0 and an empty one look the same)."""
    if how.maturity_flag in df:
        mature = df[how.maturity_flag].eq(True).fillna(False)
        shown = shown.astype(object).where(mature, IMMATURE)
    if how.cohort_basis in df:
        empty = pd.to_numeric(published[how.cohort_basis], errors="coerce").eq(0)
        shown = shown.astype(object).where(~empty, None)
    return shown


def protect_frame(
    df: pd.DataFrame, protections: Mapping[str, Protection], rules: Rules | None = None
) -> pd.DataFrame:
    """A mart selection as a manager may see it: counts perturbed, figures on them
    protected, follow-up figures as their cohort's maturity allows, cell keys and maturity
    flags dropped. Decided on the exact values, so the column order does not matter."""
    rules = rules or load_rules()
    published = df.copy()
    for column, how in protections.items():
        if column in df and how.rule == "count":
            keys = df.get(column + CELL_KEY_SUFFIX)
            published[column] = _published(df[column], keys, rules)
    shown = published.copy()
    for column, how in protections.items():
        if column in df and how.rule not in ("count", "none"):
            shown[column] = _derived(df, published, column, how, rules)
    for column, how in protections.items():
        if column in df:
            shown[column] = _in_cohort(df, published, shown[column], how)
    flags = {how.maturity_flag for how in protections.values()}
    hidden = [c for c in df.columns if c.endswith(CELL_KEY_SUFFIX) or c in flags]
    return shown.drop(columns=hidden)


def protect_record(
    record: Mapping[str, object], protections: Mapping[str, Protection]
) -> dict[str, object]:
    """`protect_frame` for one row (the report's figures)."""
    row = pd.DataFrame([{key: value for key, value in record.items()}], dtype=object)
    return protect_frame(row, protections).iloc[0].to_dict()


def note(rules: Rules | None = None) -> str:
    """What every protected view says about its numbers."""
    rules = rules or load_rules()
    return NOTE.format(threshold=rules.threshold, mask=MASK)
