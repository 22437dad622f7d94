"""The floor: the same ingest and main marts as one plain DuckDB SQL script, no orchestration.

`floor.sql` is plain SQL in sections marked `-- stage: <name>`; this runner only sets the
script's variables (landing files by kind and encoding, the HMAC pads of the pseudonym key,
computed as ingest computes them), runs each section and records how long it took.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import duckdb
import yaml

from pipelines.bench import PROJECT_DIR
from pipelines.ingest.pseudonym import hmac_pads
from pipelines.settings import load_settings

SCRIPT = Path(__file__).with_name("floor.sql")
CODE_LABELS = PROJECT_DIR / "dbt_project" / "seeds" / "code_labels.csv"
UTF8_BOM = b"\xef\xbb\xbf"
STAGE_MARKER = re.compile(r"^-- stage: (\w+)\s*$", re.MULTILINE)
# variable -> (landing folder, file-name glob); each gets a `_utf8` and a `_latin1` list.
FILE_VARIABLES = {
    "gwa": ("arende", "gwa_*_*.csv"),
    "esf": ("scb", "esf_*_*.txt"),
    "ledger": ("ekonomi", "huvudbok_*_*.csv"),
    "population": ("scb", "befolkning_*.csv"),
}


def stages(script: str) -> list[tuple[str, str]]:
    """(stage name, SQL) for every `-- stage:` section of the script, in order."""
    parts = STAGE_MARKER.split(script)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def _files_by_encoding(landing: Path, folder: str, pattern: str, empty: Path) -> dict:
    """Delivered files split by their BOM: UTF-8 with BOM, else Windows-1252 (read as latin-1).

    The one decision SQL cannot make. `read_csv` needs at least one file, so an encoding
    without files reads `empty` (no rows; `union all by name` then adds nothing).
    """
    files: dict[str, list[str]] = {"utf8": [], "latin1": []}
    for path in sorted((landing / folder).glob(pattern)):
        with path.open("rb") as handle:
            encoding = "utf8" if handle.read(3) == UTF8_BOM else "latin1"
        files[encoding].append(str(path))
    if not any(files.values()):
        raise FileNotFoundError(f"no {pattern} in {landing / folder}")
    return {encoding: paths or [str(empty)] for encoding, paths in files.items()}


def insats_rules(config: Path) -> tuple[list[dict], list[dict]]:
    """Goal, dropout and trial rules per insats (defaults applied), and unit municipalities,
    from the insats configuration the pipeline reads too."""
    declared = yaml.safe_load(config.read_text(encoding="utf-8"))
    defaults = declared.get("defaults", {})
    rules = []
    for insats, own in (declared.get("insatser") or {}).items():
        merged = defaults | (own or {})
        rules.append(
            {
                "insats": insats,
                "goal_reasons": merged.get("goal_reasons", ["Arbete", "Studier"]),
                "dropout_reasons": merged.get("dropout_reasons", ["Avbrott"]),
                "trial_days": int(merged.get("trial_days", 0)),
            }
        )
    units = [
        {"unit": unit, **{key: str(value) for key, value in spec.items()}}
        for unit, spec in (declared.get("units") or {}).items()
    ]
    return rules, units


def set_variables(con: duckdb.DuckDBPyConnection, landing: Path, empty: Path) -> None:
    """The script's inputs as DuckDB variables (`getvariable(...)` in floor.sql)."""
    settings = load_settings()
    empty.write_bytes(b"")
    for name, (folder, pattern) in FILE_VARIABLES.items():
        for encoding, files in _files_by_encoding(landing, folder, pattern, empty).items():
            con.execute(f"set variable {name}_{encoding} = ?", [files])
    every_file = sorted(str(path) for path in landing.glob("*/*") if path.is_file())
    con.execute("set variable all_files = ?", [every_file])
    con.execute("set variable code_labels = ?", [str(CODE_LABELS)])
    for name, pad in hmac_pads(settings.pseudonym_key()).items():
        con.execute(f"set variable {name} = ?::blob", [pad])
    rules, units = insats_rules(settings.config)
    con.execute("set variable insats_rules = ?", [rules])
    con.execute("set variable unit_municipalities = ?", [units])


def run_script(con: duckdb.DuckDBPyConnection, script: str) -> dict[str, float]:
    """Run each stage of the script, returning seconds per stage."""
    seconds: dict[str, float] = {}
    for name, sql in stages(script):
        start = time.perf_counter()
        con.execute(sql)
        seconds[name] = time.perf_counter() - start
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--timings", type=Path, required=True)
    args = parser.parse_args(argv)
    with duckdb.connect(str(args.db)) as con:
        set_variables(con, args.landing, args.db.with_name("floor_empty.csv"))
        seconds = run_script(con, SCRIPT.read_text(encoding="utf-8"))
        rows = dict(
            con.execute("select table_name, estimated_size from duckdb_tables()").fetchall()
        )
    args.timings.write_text(json.dumps({"stages": seconds, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
