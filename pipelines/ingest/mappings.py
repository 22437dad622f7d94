"""Declared mappings (`pipelines/mappings/*.yml`): delivered headings onto raw columns.

A mapping says which delivered headings feed which raw column, which columns a file must
have, which values a row cannot do without (`required_values`: else the row is rejected),
which it should have (`expected_values`: a missing or unreadable one is nulled and logged,
the row kept), and (for kind B registers) the team's code labels in kind A's vocabulary.
Adding a register is adding a YAML file, not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
import yaml

from pipelines.ingest.unreadable import UnreadableFileError

MAPPINGS_DIR = Path(__file__).resolve().parents[1] / "mappings"
REGISTERS_DIR = MAPPINGS_DIR / "registers"
# Source kinds whose mapping file is not named after the kind.
MAPPING_FILES = {"income_support": "forsorjning"}
LABEL_MACRO_FILE = (
    Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "figures" / "definitions.sql"
)


def normalise_heading(heading: str) -> str:
    """Headings match case- and space-insensitively (`Skyddad  Identitet ` = `skyddadidentitet`)."""
    return re.sub(r"\s+", "", heading).lower()


@cache
def _label_macro() -> jinja2.Template:
    """The dbt macro `normalise_label`, read from the dbt project: the one definition."""
    text = LABEL_MACRO_FILE.read_text(encoding="utf-8")
    block = re.search(r"{%\s*macro normalise_label\(.*?{%-?\s*endmacro\s*%}", text, re.DOTALL)
    if block is None:
        raise RuntimeError(f"{LABEL_MACRO_FILE}: the macro normalise_label is missing")
    return jinja2.Template(block.group(0) + "{{ normalise_label(expression) }}")


def normalise_label_sql(expression: str) -> str:
    """A code label as the code_labels seed stores it (lower case, trimmed, runs of spaces,
    tabs and no-break spaces one space; blank is null), by rendering dbt's own macro.

    The ingest translates register labels before dbt runs, so it cannot call the macro
    through dbt; rendering it keeps ingest, dbt and the quality models on one definition.
    """
    return _label_macro().render(expression=expression).strip()


@dataclass(frozen=True)
class Mapping:
    """One declared mapping of a delivered table (a CSV file or one sheet)."""

    name: str
    columns: dict[str, list[str]]
    required_columns: list[str] = field(default_factory=list)
    required_values: list[str] = field(default_factory=list)
    expected_values: list[str] = field(default_factory=list)
    sheet: str | None = None
    constants: dict[str, str] = field(default_factory=dict)
    code_lists: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    allowed_values: dict[str, list[str | int]] = field(default_factory=dict)
    allow_negative: list[str] = field(default_factory=list)
    empty_personnummer: str = "reject"
    # Raw column -> value type where it is not the raw column's SQL type (MONTH).
    value_types: dict[str, str] = field(default_factory=dict)
    # Trailing lines starting with `trailer_prefix` are a summary, not rows; each of
    # `trailer_counts` (raw column -> label) is read from a line `<prefix> <label>: N`.
    trailer_prefix: str | None = None
    trailer_counts: dict[str, str] = field(default_factory=dict)

    def resolve(self, headings: list[str]) -> dict[str, str]:
        """Raw column -> delivered heading; a missing required column makes the file unreadable."""
        by_key = {normalise_heading(heading): heading for heading in headings}
        resolved = {}
        for column, aliases in self.columns.items():
            for alias in aliases:
                if normalise_heading(alias) in by_key:
                    resolved[column] = by_key[normalise_heading(alias)]
                    break
        missing = [self.columns[c][0] for c in self.required_columns if c not in resolved]
        if missing:
            names = ", ".join(missing)
            where = f" på bladet '{self.sheet}'" if self.sheet else ""
            raise UnreadableFileError(
                f"obligatoriska kolumner saknas{where}: {names}",
                f"mandatory columns missing{where}: {names}",
            )
        return resolved


def _parse(name: str, document: dict, inherited: dict | None = None) -> Mapping:
    known = set(Mapping.__dataclass_fields__) - {"name"}
    unknown = set(document) - known - {"organisation", "description"}
    if unknown:
        raise ValueError(f"mapping {name}: unknown key(s) {sorted(unknown)}")
    merged = {**(inherited or {}), **{k: v for k, v in document.items() if k in known}}
    merged["constants"] = {k: str(v) for k, v in merged.get("constants", {}).items()}
    return Mapping(name=name, **merged)


def load_mapping(name: str) -> Mapping:
    """A source kind's mapping, `pipelines/mappings/<name>.yml`."""
    path = MAPPINGS_DIR / f"{name}.yml"
    return _parse(name, yaml.safe_load(path.read_text(encoding="utf-8")))


def source_mapping(source_kind: str, organisation: str) -> Mapping:
    """The mapping a delivery of `source_kind` is read with (kind B: its organisation's)."""
    if source_kind == "register":
        return load_register_mapping(organisation)
    return load_mapping(MAPPING_FILES.get(source_kind, source_kind))


def load_register_mapping(organisation: str) -> Mapping:
    """A kind B register's mapping; its code lists are kind A's (they share one vocabulary)."""
    path = REGISTERS_DIR / f"{organisation}.yml"
    if not path.exists():
        raise UnreadableFileError(
            f"ingen deklarerad mappning för registret '{organisation}' "
            f"(pipelines/mappings/registers/{organisation}.yml saknas)",
            f"no declared mapping for register '{organisation}' "
            f"(pipelines/mappings/registers/{organisation}.yml is missing)",
        )
    inherited = {"code_lists": load_mapping("gwa").code_lists}
    return _parse(organisation, yaml.safe_load(path.read_text(encoding="utf-8")), inherited)
