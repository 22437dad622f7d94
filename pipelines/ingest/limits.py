"""Limits a landed file is read under, and the plausibility floors of a new snapshot.

Declared in `limits.yml` beside this module; an installation overrides any key in an
optional `ingest:` section of its FINSAM_CONFIG file. Every limit is checked before the
parser that could be blown up by it runs, so a hostile file is quarantined, not fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from pipelines.ingest.insats_config import ConfigError
from pipelines.ingest.unreadable import UnreadableFileError

DEFAULTS_FILE = Path(__file__).with_name("limits.yml")
SHARES = ("min_loaded_share", "min_row_ratio")


@dataclass(frozen=True)
class Limits:
    """The limits in force for one run (names and meaning as in limits.yml)."""

    max_file_bytes: int
    max_line_bytes: int
    max_columns: int
    stage_part_bytes: int
    max_zip_members: int
    max_unzipped_bytes: int
    max_compression_ratio: int
    compression_ratio_from_bytes: int
    max_sheet_rows: int
    max_sheet_columns: int
    max_sheet_cells: int
    min_loaded_share: float
    min_row_ratio: float
    accept_deliveries: tuple[str, ...] = ()


def _fail(config: Path, key: str, problem: str) -> ConfigError:
    return ConfigError(f"Fel i konfigurationen {config}, nyckel '{key}': {problem}")


def _checked(config: Path, key: str, value: Any) -> Any:
    """One value of the right kind, or a ConfigError naming `ingest.<key>`."""
    if key == "accept_deliveries":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _fail(config, f"ingest.{key}", "ska vara en lista med filnamn")
        return tuple(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(config, f"ingest.{key}", f"ska vara ett tal (är {value!r})")
    if key in SHARES:
        if not 0 <= value <= 1:
            raise _fail(config, f"ingest.{key}", "ska vara ett tal mellan 0 och 1")
        return float(value)
    if not isinstance(value, int) or value <= 0:
        raise _fail(config, f"ingest.{key}", f"ska vara ett heltal > 0 (är {value!r})")
    return value


def _section(config: Path) -> dict[str, Any]:
    """The installation's `ingest:` overrides; a missing file or section means none."""
    if not config.is_file():
        return {}
    try:
        document = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"Konfigurationen {config} är inte giltig YAML: {error}") from None
    section = document.get("ingest") if isinstance(document, dict) else None
    if section is not None and not isinstance(section, dict):
        raise _fail(config, "ingest", "ska vara en mappning med gränser")
    return section or {}


def load_limits(config: Path) -> Limits:
    """The repo's defaults with the installation's overrides applied and validated."""
    values = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    overrides = _section(config)
    known = [item.name for item in fields(Limits)]
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise _fail(config, f"ingest.{unknown[0]}", "okänd nyckel")
    merged = {**values, **overrides}
    return Limits(**{key: _checked(config, key, merged[key]) for key in known})


def exceeded(
    what_sv: str, what_en: str, measured: int | str, limit: int | str
) -> UnreadableFileError:
    """The true reason for a broken limit: what was measured, how much, and the limit."""
    return UnreadableFileError(
        f"{what_sv} är {measured}, gränsen är {limit} (limits.yml / ingest: i konfigurationen)",
        f"{what_en} is {measured}, the limit is {limit} (limits.yml / ingest: in the config)",
    )
