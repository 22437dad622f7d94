"""Build a whole demo landing from one seed: truth first, then every source printed from it."""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipelines.demo.calibration import load_calibration
from pipelines.demo.case_system import write_case_system
from pipelines.demo.config_file import write_config
from pipelines.demo.defects import plant_defects
from pipelines.demo.economy import (
    annual_costs,
    ledger_transactions,
    served_per_year,
    write_budgets,
    write_forecasts,
    write_ledgers,
)
from pipelines.demo.enrolments import assign_numbers, draw_extra_persons, draw_population
from pipelines.demo.income_support import follow_up_summary, write_income_support
from pipelines.demo.population import write_population
from pipelines.demo.registers import write_registers
from pipelines.demo.scb import (
    assign_only_scb,
    only_scb_count,
    scb_rows,
    write_esf_reports,
)
from pipelines.demo.snapshots import truth_connection
from pipelines.demo.support_paths import draw_income_support

MANIFEST = "demo_manifest.json"
LANDING_KINDS = ("arende", "scb", "ekonomi", "register")


def generate(
    participants: int,
    seed: int,
    out: Path,
    config_out: Path,
    start_year: int = 2019,
    end: date = date(2024, 11, 15),
) -> dict[str, Any]:
    """Write the landing folder, the insats configuration and the manifest; return the manifest."""
    if participants < 1:
        raise ValueError("participants must be at least 1")
    start = date(start_year, 1, 1)
    if start >= end:
        raise ValueError(f"start year {start_year} must be before the end date {end}")
    _prepare_landing(out)
    rng = np.random.default_rng(seed)
    follow_up_rng = rng.spawn(1)[0]  # its own stream: kind F does not shift the others' draws
    persons, truth = draw_population(rng, participants, start, end)
    extra = draw_extra_persons(rng, only_scb_count(participants), start, end)
    assign_numbers(rng, persons, extra)
    support = draw_income_support(follow_up_rng, persons, truth, end)
    truth = plant_defects(rng, truth, persons, end)
    assign_only_scb(rng, extra, truth)
    _assign_case_ids(truth)
    con = truth_connection(truth)
    files = write_case_system(con, out, end)
    files += write_registers(con, out, end)
    files += write_esf_reports(con, scb_rows(rng, truth, extra), out, end)
    outsiders = extra["pnr"].to_numpy()
    files += write_income_support(con, follow_up_rng, support, truth, outsiders, out, end)
    files.append(write_population(out, start_year, end, rng))
    costs = annual_costs(served_per_year(truth, list(range(start_year, end.year + 1))))
    ledger = ledger_transactions(rng, costs, end, persons["pnr"].to_numpy())
    files += write_ledgers(con, ledger, out, end)
    files += write_budgets(rng, costs, out)
    files += write_forecasts(rng, costs, out, end)
    write_config(config_out)
    _date_as_delivered(out)
    manifest = {
        "generator": "pipelines.demo",
        "seed": seed,
        "participants": participants,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "config": _relative(config_out, out.parent),
        "persons": len(persons),
        "protected_identity_persons": int(persons["is_protected"].sum()),
        "enrolments": len(truth),
        "follow_up": follow_up_summary(truth),
        **_vocabulary(),
        "files": files,
    }
    (out / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    con.close()
    return manifest


def _prepare_landing(out: Path) -> None:
    """Create the kind folders; refuse to mix demo files into a landing that has deliveries."""
    for kind in LANDING_KINDS:
        folder = out / kind
        if folder.is_dir() and any(path.is_file() for path in folder.rglob("*")):
            raise FileExistsError(f"{folder} innehåller redan filer; välj en tom landningsmapp")
        folder.mkdir(parents=True, exist_ok=True)


def _date_as_delivered(out: Path) -> None:
    """Give each file the modification time of the day it was delivered (its name's date).

    The demo's deliveries are complete when written; a fresh time would make the pipeline
    wait FINSAM_SETTLE_SECONDS for files that might still be uploading.
    """
    for path in (path for kind in LANDING_KINDS for path in (out / kind).iterdir()):
        found = re.search(r"_(\d{8}|\d{4})\.\w+$", path.name)
        if found:
            stamp = found[1] if len(found[1]) == 8 else f"{found[1]}0101"
            delivered = datetime.strptime(stamp, "%Y%m%d").replace(hour=6).timestamp()
            os.utime(path, (delivered, delivered))


def _assign_case_ids(truth: pd.DataFrame) -> None:
    """ÄrendeID: running numbers per organisation in referral order, from its declared start."""
    starts = {
        org: spec["case_id_start"] for org, spec in load_calibration()["case_systems"].items()
    }
    offset = truth["organisation"].astype(str).map(starts).fillna(1).astype("int64")
    truth["case_id"] = truth.groupby("organisation", observed=True).cumcount() + offset


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _vocabulary() -> dict[str, Any]:
    """What the counts mean and which labels were planted, so tests need no other source."""
    cal = load_calibration()
    return {
        "forbund": cal["forbund"],
        "definitions": DEFINITIONS,
        "unknown_labels": cal["unknown_labels"],
        "label_variants": cal["label_drift"]["variants"],
        "register_labels": cal["register_labels"],
    }


DEFINITIONS = {
    "rows": "data rows in the file (header excluded)",
    "enrolled_rows": "rows with an enrolment date (Inskrivningsdatum / Start)",
    "missing_kartlaggning": "per raw field, enrolled rows whose value is empty, 'Uppgift saknas' "
    "or 'Ej bedömd'; planted impossible Kartläggningsdatum are counted under impossible_date",
    "invalid_checksum_rows": "rows whose personnummer has a wrong Luhn digit",
    "plus_separator_rows": "rows written YYMMDD+NNNN for a participant under 100 (implausible age)",
    "impossible_date": "per raw field, rows with a non-existent date such as 2023-02-30",
    "unknown_label": "per raw field, rows with a label on no code list (see unknown_labels)",
    "label_variant": "per raw field, rows with a known spelling variant (see label_variants)",
    "reconciliation": "persons (protected excluded) of the ESF insats at the project's unit in "
    "the current case-system delivery (enrolled, not Felregistrering) against the current "
    "SCB report",
    "duplicate_of": "this file is a byte-identical copy of another delivery",
}
