"""The declared suites: one YAML file per suite in `expectations/suites/`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SUITES_DIR = Path(__file__).parent / "suites"
FIELD_LABELS_FILE = Path(__file__).parent / "field_labels.yml"
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class SuiteDeclaration:
    """What a suite checks, on which asset, how severe a failure is, with which parameters."""

    suite: str
    kind: str
    asset: tuple[str, ...]
    description: str
    severity: str
    index_columns: tuple[str, ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    # Results and Data Docs may list unexpected values only for suites over aggregates
    # (period flows, figures): a person-level row's value must never reach them.
    unexpected_values: bool = False

    @property
    def table(self) -> str:
        """The DuckDB table the suite guards, e.g. `raw.case_enrolments`."""
        return ".".join(self.asset)

    @property
    def blocking(self) -> bool:
        """An error-severity suite stops the assets downstream of the one it guards."""
        return self.severity == "error"


def _declaration(path: Path) -> SuiteDeclaration:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("severity") not in SEVERITIES:
        raise ValueError(
            f"{path}: severity must be one of {SEVERITIES}, got {data.get('severity')}"
        )
    return SuiteDeclaration(
        suite=data["suite"],
        kind=data["kind"],
        asset=tuple(data["asset"]),
        description=" ".join(data["description"].split()),
        severity=data["severity"],
        index_columns=tuple(data["index_columns"]),
        parameters=data.get("parameters") or {},
        unexpected_values=bool(data.get("unexpected_values", False)),
    )


@cache
def load_declarations(suites_dir: Path = SUITES_DIR) -> tuple[SuiteDeclaration, ...]:
    """Every declared suite, in file-name order."""
    return tuple(_declaration(path) for path in sorted(suites_dir.glob("*.yml")))


def declaration(suite: str) -> SuiteDeclaration:
    """The declared suite of that name."""
    for candidate in load_declarations():
        if candidate.suite == suite:
            return candidate
    raise KeyError(f"no suite named {suite!r} in {SUITES_DIR}")


@cache
def field_labels() -> dict[str, str]:
    """Swedish names of raw columns, for problem texts stewards read."""
    return yaml.safe_load(FIELD_LABELS_FILE.read_text(encoding="utf-8"))


def field_label(column: str) -> str:
    return field_labels().get(column, column)
