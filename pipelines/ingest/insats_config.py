"""The insats configuration (FINSAM_CONFIG YAML) validated, defaults applied, as raw tables.

A bad configuration fails with a message naming the key (`insatser.Avesta.trial_days`),
because a data steward edits this file by hand. A missing file is no error: every insats
is then classified by the built-in defaults (`insats_defaults.yml`) and the run warns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import yaml

from pipelines.ingest.schema import CASE_ENROLMENT_COLUMNS, CONFIG_TABLES

DEFAULTS_FILE = Path(__file__).with_name("insats_defaults.yml")
BUILT_IN_DEFAULTS: dict[str, Any] = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
INSATS_KEYS = set(BUILT_IN_DEFAULTS) | {"esf_project", "projekt", "targets"}
# Figures an insats may set a numeric target for (`targets:`), each a share 0..1: the
# dashboard shows the result against it.
TARGET_FIGURES = ("goal_share", "work_or_studies_share")
TOP_LEVEL_KEYS = {"forbund", "units", "defaults", "insatser", "stated_figures", "quality", "ingest"}
STATED_FIGURE_KEYS = {"insats", "unit", "figure", "period_from", "period_to"}


class ConfigError(ValueError):
    """The configuration file is unusable; the message names the file and the key."""


def _fail(path: Path, key: str, problem: str) -> ConfigError:
    return ConfigError(f"Fel i insatskonfigurationen {path}, nyckel '{key}': {problem}")


def _text_list(path: Path, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(path, key, "ska vara en lista med texter, t.ex. [Arbete, Studier]")
    return value


def _whole(path: Path, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(path, key, f"ska vara ett heltal >= 0 (är {value!r})")
    return value


def _check_insats(path: Path, key: str, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - INSATS_KEYS
    if unknown:
        raise _fail(path, f"{key}.{sorted(unknown)[0]}", "okänd nyckel")
    for name in ("goal_reasons", "dropout_reasons", "mandatory_fields"):
        _text_list(path, f"{key}.{name}", values[name])
    bad_fields = set(values["mandatory_fields"]) - set(CASE_ENROLMENT_COLUMNS)
    if bad_fields:
        raise _fail(path, f"{key}.mandatory_fields", f"okänd kolumn {sorted(bad_fields)[0]}")
    for name in ("trial_days", "grace_days"):
        _whole(path, f"{key}.{name}", values[name])
    if not isinstance(values["exclude_dropouts_from_goal_share"], bool):
        raise _fail(path, f"{key}.exclude_dropouts_from_goal_share", "ska vara true eller false")
    threshold = values["completeness_threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise _fail(path, f"{key}.completeness_threshold", "ska vara ett tal mellan 0 och 1")
    if not 0 <= threshold <= 1:
        raise _fail(path, f"{key}.completeness_threshold", "ska vara ett tal mellan 0 och 1")
    return values


def _esf_projects(path: Path, key: str, value: Any) -> dict[str, str | None]:
    """ESF project number -> unit (None: the whole insats)."""
    if value is None:
        return {}
    if isinstance(value, str | int):
        return {str(value): None}
    if isinstance(value, dict):
        return {str(project): (str(unit) if unit else None) for project, unit in value.items()}
    raise _fail(path, f"{key}.esf_project", "ska vara null, ett projektnummer eller en mappning")


def _targets(path: Path, key: str, value: Any) -> dict[str, float]:
    """Figure id -> the insats's target for it (a share 0..1); none when not set."""
    targets = _mapping(path, f"{key}.targets", value)
    for figure, target in targets.items():
        if figure not in TARGET_FIGURES:
            raise _fail(
                path, f"{key}.targets.{figure}", f"okänt nyckeltal, välj bland {TARGET_FIGURES}"
            )
        if isinstance(target, bool) or not isinstance(target, int | float) or not 0 <= target <= 1:
            raise _fail(path, f"{key}.targets.{figure}", "ska vara en andel mellan 0 och 1")
    return {figure: float(target) for figure, target in targets.items()}


def goal_definition(values: dict[str, Any]) -> str:
    """The goal share's definition in the words the reports print beside it."""
    goals = " eller ".join(values["goal_reasons"])
    dropouts = " eller ".join(values["dropout_reasons"]) or "inga avslutsorsaker"
    trial = f" eller avslut inom {values['trial_days']} dagar" if values["trial_days"] > 0 else ""
    base = (
        "alla avslut utom avhopp" if values["exclude_dropouts_from_goal_share"] else "alla avslut"
    )
    return (
        f"Andel i mål = avslut med orsak {goals}, delat med {base} "
        f"(avhopp = avslutsorsak {dropouts}{trial})."
    )


def _mapping(path: Path, key: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(path, key, "ska vara en mappning (nyckel: värde)")
    return value


def _defaults(path: Path, document: dict[str, Any]) -> dict[str, Any]:
    defaults = {**BUILT_IN_DEFAULTS, **_mapping(path, "defaults", document.get("defaults"))}
    _check_insats(path, "defaults", {k: v for k, v in defaults.items() if k in INSATS_KEYS})
    return defaults


def _defaults_row(defaults: dict[str, Any]) -> tuple:
    """The defaults as a row of raw.insats_config_defaults: what an insats in the data but
    absent from the configuration is classified and checked by."""
    return (
        defaults["goal_reasons"],
        defaults["dropout_reasons"],
        defaults["trial_days"],
        defaults["exclude_dropouts_from_goal_share"],
        defaults["mandatory_fields"],
        defaults["grace_days"],
        float(defaults["completeness_threshold"]),
        goal_definition(defaults),
    )


def _insats_rows(path: Path, defaults: dict[str, Any], document: dict[str, Any]) -> tuple:
    insatser, esf_rows, target_rows = [], [], []
    for insats, own in _mapping(path, "insatser", document.get("insatser")).items():
        key = f"insatser.{insats}"
        values = _check_insats(path, key, {**defaults, **_mapping(path, key, own)})
        projects = _esf_projects(path, key, values.get("esf_project"))
        esf_rows += [(project, insats, unit) for project, unit in projects.items()]
        targets = _targets(path, key, values.get("targets"))
        target_rows += [(insats, figure, target) for figure, target in targets.items()]
        projekt = values.get("projekt")
        insatser.append(
            (
                insats,
                values["goal_reasons"],
                values["dropout_reasons"],
                values["trial_days"],
                values["exclude_dropouts_from_goal_share"],
                ", ".join(sorted(projects)) or None,
                None if projekt is None else str(projekt),
                values["mandatory_fields"],
                values["grace_days"],
                float(values["completeness_threshold"]),
                goal_definition(values),
            )
        )
    return insatser, esf_rows, target_rows


def _unit_rows(path: Path, document: dict[str, Any]) -> list[tuple]:
    rows = []
    for unit, values in _mapping(path, "units", document.get("units")).items():
        values = _mapping(path, f"units.{unit}", values)
        code = str(values.get("municipality_code", ""))
        if not (code.isdigit() and len(code) == 4):
            raise _fail(path, f"units.{unit}.municipality_code", "ska vara en fyrsiffrig kod")
        rows.append((unit, code, values.get("municipality_name")))
    return rows


def _date(path: Path, key: str, value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail(path, key, f"ska vara ett datum ÅÅÅÅ-MM-DD (är {value!r})") from None


def _stated_rows(path: Path, document: dict[str, Any]) -> list[tuple]:
    rows = []
    for index, item in enumerate(document.get("stated_figures") or []):
        key = f"stated_figures[{index}]"
        item = _mapping(path, key, item)
        missing = STATED_FIGURE_KEYS - set(item) - {"unit"}
        if missing or "stated_value" not in item:
            raise _fail(path, f"{key}.{sorted(missing or {'stated_value'})[0]}", "saknas")
        value = item["stated_value"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(path, f"{key}.stated_value", "ska vara ett tal")
        rows.append(
            (
                item["insats"],
                item.get("unit"),
                item["figure"],
                _date(path, f"{key}.period_from", item["period_from"]),
                _date(path, f"{key}.period_to", item["period_to"]),
                float(value),
                item.get("source"),
            )
        )
    return rows


def missing_config_warning(path: Path) -> str | None:
    """What a run without the configuration file says, naming the file it looked for."""
    if path.exists():
        return None
    return (
        f"Insatskonfigurationen {path} saknas (FINSAM_CONFIG): alla insatser räknas med de "
        f"inbyggda standardvärdena ({DEFAULTS_FILE.name}), utan enheter, ESF-projekt och "
        "angivna siffror."
    )


def _document(path: Path) -> dict[str, Any]:
    """The file's top-level mapping; a missing file is an empty one (built-in defaults)."""
    if not path.exists():
        return {}
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"Insatskonfigurationen {path} är inte giltig YAML: {error}") from None
    return _mapping(path, "(filen)", document)


def read_config(path: Path) -> dict[str, list[tuple]]:
    """Rows of every configuration table; raises ConfigError naming the offending key.

    A missing file gives the built-in defaults only (see `missing_config_warning`).
    """
    document = _document(path)
    unknown = set(document) - TOP_LEVEL_KEYS
    if unknown:
        raise _fail(path, sorted(unknown)[0], "okänd nyckel")
    defaults = _defaults(path, document)
    insatser, esf_projects, targets = _insats_rows(path, defaults, document)
    return {
        "insats_config": insatser,
        "insats_config_defaults": [_defaults_row(defaults)],
        "unit_municipalities": _unit_rows(path, document),
        "esf_projects": esf_projects,
        "insats_targets": targets,
        "stated_figures": _stated_rows(path, document),
    }


def replace_config_tables(con: duckdb.DuckDBPyConnection, rows: dict[str, list[tuple]]) -> None:
    """Swap all configuration tables in one transaction (configuration keeps no history)."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, table_rows in rows.items():
            con.execute(f"DELETE FROM raw.{table}")
            if table_rows:
                marks = ", ".join("?" for _ in CONFIG_TABLES[table])
                con.executemany(f"INSERT INTO raw.{table} VALUES ({marks})", table_rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
