"""The declared suites: one YAML file per suite in `expectations/suites/`.

A suite names the dbt quality table it validates (`dbt_project/models/quality/`), how
severe a failure is, and the thresholds that are the installation's rather than dbt's.
What counts as a finding is decided in those models, never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SUITES_DIR = Path(__file__).parent / "suites"
DBT_PROJECT_FILE = Path(__file__).parents[1] / "dbt_project" / "dbt_project.yml"
SEVERITIES = ("error", "warning")
KIND_NAMES = ("shares", "tolerance")


@dataclass(frozen=True)
class SuiteDeclaration:
    """What a suite validates, how severe a failure is, with which parameters."""

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
        """The dbt quality table the suite validates, e.g. `quality.quality_completeness`."""
        return ".".join(self.asset)

    @property
    def blocking(self) -> bool:
        """An error-severity suite stops publication."""
        return self.severity == "error"

    @property
    def scope_sql(self) -> str:
        """The suite's rows of its table: `parameters.where` as column -> accepted values."""
        conditions = [
            f"{column} in ({', '.join(literal(value) for value in values)})"
            for column, values in (self.parameters.get("where") or {}).items()
        ]
        return " and ".join(conditions) or "true"


def literal(value: object) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _declaration(path: Path) -> SuiteDeclaration:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("severity") not in SEVERITIES:
        raise ValueError(
            f"{path}: severity must be one of {SEVERITIES}, got {data.get('severity')}"
        )
    if data.get("kind") not in KIND_NAMES:
        raise ValueError(f"{path}: kind must be one of {KIND_NAMES}, got {data.get('kind')}")
    return SuiteDeclaration(
        suite=data["suite"],
        kind=data["kind"],
        asset=tuple(data["asset"]),
        description=" ".join(data["description"].split()),
        severity=data["severity"],
        index_columns=tuple(data.get("index_columns") or ()),
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
    """Swedish names of fields, declared once for the dbt quality models' problem texts
    (`models.finsam.quality.+meta.field_labels` in dbt_project.yml) and the worklist."""
    project = yaml.safe_load(DBT_PROJECT_FILE.read_text(encoding="utf-8"))
    return project["models"]["finsam"]["quality"]["+meta"]["field_labels"]


def field_label(column: str) -> str:
    """A field's Swedish name, or the field itself when it has none."""
    return field_labels().get(column, column)
