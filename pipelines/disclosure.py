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
- per_person: an amount per perturbed basis count (cost per participant);
- masked: a mean, median or curve point on fewer persons than the threshold is not shown;
- none: money and population describe no person.
The exact figures stay in the warehouse for analysts, and in the report's JSON.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

DBT_PROJECT_FILE = Path(__file__).resolve().parents[1] / "dbt_project" / "dbt_project.yml"
CELL_KEY_SUFFIX = "_cell_key"
MASK = ".."  # SCB's sign for "uppgift kan inte redovisas"
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

    def noise_at(self, position: float) -> int:
        """The noise whose cumulative probability first exceeds `position` (0..1)."""
        total = 0.0
        for noise, probability in self.noise:
            total += probability
            if position < total:
                return noise
        return self.noise[-1][0]


@dataclass(frozen=True)
class Protection:
    """How one column is protected: its rule and the counts it rests on."""

    rule: str
    basis: tuple[str, ...] = ()


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


def perturbed(count: object, cell_key: object, rules: Rules | None = None) -> object:
    """The published value of a person count with its cell key (a missing count stays)."""
    rules = rules or load_rules()
    value = _number(count)
    if value is None:
        return count
    whole = int(round(value))
    if whole <= 0:
        return 0
    key = _number(cell_key)
    if key is None:
        raise ValueError("a person count without its cell key cannot be published")
    position = (int(key) % rules.key_range + 0.5) / rules.key_range
    if whole < rules.threshold:
        return rules.threshold if position < whole / rules.threshold else 0
    return max(whole + rules.noise_at(position), rules.threshold)


def is_small(count: object, rules: Rules | None = None) -> bool:
    """A count of persons under the threshold (zero describes nobody)."""
    value = _number(count)
    return value is not None and 0 < value < (rules or load_rules()).threshold


def _derived(
    value: object,
    exact: Mapping[str, object],
    published: Mapping[str, object],
    how: Protection,
) -> object:
    """A figure on counts (`value`, exact), as shown beside the published counts."""
    basis = [name for name in how.basis if name in exact]
    if how.rule == "ratio" and len(basis) >= 2:
        numerator, denominator = (_number(published[name]) for name in basis[:2])
        return numerator / denominator if numerator is not None and denominator else None
    if how.rule in ("scaled", "per_person") and basis and _number(value) is not None:
        true, shown = _number(exact[basis[0]]), _number(published[basis[0]])
        if not true or not shown:
            return None
        return value * (shown / true if how.rule == "scaled" else true / shown)
    if how.rule == "masked" and any(is_small(exact[name]) for name in basis):
        return MASK
    return value


def protect_record(
    record: Mapping[str, object], protections: Mapping[str, Protection]
) -> dict[str, object]:
    """One row as a manager may see it: counts perturbed, figures on them protected, cell
    keys dropped. Decided on the exact values, so the column order does not matter."""
    published = {
        column: perturbed(value, record.get(column + CELL_KEY_SUFFIX))
        if column in protections and protections[column].rule == "count"
        else value
        for column, value in record.items()
    }
    shown = {}
    for column, value in published.items():
        if column.endswith(CELL_KEY_SUFFIX):
            continue
        how = protections.get(column)
        if how is not None and how.rule not in ("count", "none"):
            value = _derived(value, record, published, how)
        shown[column] = value
    return shown


def protect_frame(df: pd.DataFrame, protections: Mapping[str, Protection]) -> pd.DataFrame:
    """`protect_record` for every row of a mart selection."""
    rows = [protect_record(row, protections) for row in df.to_dict("records")]
    columns = [column for column in df.columns if not column.endswith(CELL_KEY_SUFFIX)]
    return pd.DataFrame(rows, columns=columns, index=df.index)


def counts(columns: Sequence[str]) -> dict[str, Protection]:
    """Plain person counts (a breakdown's cells), each perturbed by its own cell key."""
    return {column: Protection("count", (column,)) for column in columns}


def note(rules: Rules | None = None) -> str:
    """What every protected view says about its numbers."""
    rules = rules or load_rules()
    return NOTE.format(threshold=rules.threshold, mask=MASK)
