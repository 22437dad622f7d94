"""Warts real exports have, planted on purpose so quality checks can be tested against them.

Everything is planted on the enrolment truth before printing, so every delivery that
shows a row shows the same wart, and the manifest can count them per file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from pipelines.demo.calibration import esf_insatser, load_calibration
from pipelines.demo.draws import categorical, planted_rows, set_labels

PNR_FORMS = ["YYYYMMDD-NNNN", "YYMMDD-NNNN", "YYYYMMDDNNNN", "YYMMDD+NNNN"]
PLUS_FORM = PNR_FORMS.index("YYMMDD+NNNN")
DATE_FIELDS = ["referral_date", "assessment_date", "exit_date"]
LABEL_FIELDS = {
    "exit_reason": "avslutsorsak",
    "income_at_enrolment": "forsorjning",
    "referrer": "remittent",
}


def plant_defects(
    rng: np.random.Generator, enrolments: pd.DataFrame, persons: pd.DataFrame, end: date
) -> pd.DataFrame:
    """Add organisation, identity columns and planted defects to the enrolment truth."""
    cal = load_calibration()
    frame = enrolments
    units = cal["units"]
    frame["organisation"] = pd.Categorical(
        frame["unit"].map({unit: spec["organisation"] for unit, spec in units.items()})
    )
    person = frame["person"].to_numpy()
    frame["pnr"] = persons["pnr"].to_numpy()[person]
    frame["is_protected"] = persons["is_protected"].to_numpy()[person]
    frame["is_man"] = persons["is_man"].to_numpy()[person]
    forms = categorical(rng, cal["personnummer_forms"], len(frame))
    frame["pnr_form"] = (
        pd.Index(PNR_FORMS).get_indexer(forms.categories)[forms.codes].astype("int8")
    )
    frame["printed_pnr"] = frame["pnr"].to_numpy()
    frame["impossible_field"] = pd.Categorical([None] * len(frame), categories=DATE_FIELDS)
    frame["true_exit_reason"] = frame["exit_reason"]
    frame["true_income_at_enrolment"] = frame["income_at_enrolment"]
    end_day = np.datetime64(end, "D")
    for organisation in frame["organisation"].cat.categories:
        _plant_identity_defects(rng, frame, organisation, cal["defects"])
        _plant_impossible_dates(rng, frame, organisation, end_day, cal["defects"])
    gwa = frame["organisation"].isin(list(cal["case_systems"])).to_numpy()
    _plant_label_drift(rng, frame, gwa, cal)
    _plant_unknown_labels(rng, frame, gwa, end_day, cal)
    return frame


def _plant_identity_defects(
    rng: np.random.Generator, frame: pd.DataFrame, organisation: str, defects: dict[str, Any]
) -> None:
    """Wrong check digits, and '+' typed for '-' on persons with a single enrolment.

    Kept out of ESF insatser so the SCB reconciliation counts stay exactly plantable.
    """
    eligible = (
        (frame["organisation"] == organisation).to_numpy()
        & ~frame["is_protected"].to_numpy()
        & ~frame["insats"].isin(esf_insatser()).to_numpy()
    )
    spec = defects["invalid_checksum"]
    broken = planted_rows(rng, eligible, spec["share"], spec["minimum"])
    numbers = frame["printed_pnr"].to_numpy().copy()
    last = numbers[broken] % 10
    numbers[broken] += (last + rng.integers(1, 10, len(broken))) % 10 - last
    frame["printed_pnr"] = numbers
    single = ~frame["person"].duplicated(keep=False).to_numpy()
    eligible &= single
    eligible[broken] = False
    spec = defects["plus_separator"]
    plus = planted_rows(rng, eligible, spec["share"], spec["minimum"])
    forms = frame["pnr_form"].to_numpy().copy()
    forms[plus] = PLUS_FORM
    frame["pnr_form"] = forms


def _plant_impossible_dates(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    organisation: str,
    end: np.datetime64,
    defects: dict[str, Any],
) -> None:
    """Dates like 2023-02-30 in fields the last delivery shows, one field per row."""
    spec = defects["impossible_date"]
    of_organisation = (frame["organisation"] == organisation).to_numpy()
    taken = frame["impossible_field"].notna().to_numpy()
    visible = {
        "referral_date": frame["referral_date"].to_numpy() <= end,
        "assessment_date": frame["assessment_date"].to_numpy() <= end,
        "exit_date": frame["exit_registered_date"].to_numpy() <= end,
    }
    for field in DATE_FIELDS:
        rows = planted_rows(
            rng, of_organisation & visible[field] & ~taken, spec["share"], spec["minimum"]
        )
        frame["impossible_field"] = set_labels(
            frame["impossible_field"], rows, np.full(len(rows), field)
        )
        taken[rows] = True


def _plant_label_drift(
    rng: np.random.Generator, frame: pd.DataFrame, gwa: np.ndarray, cal: dict[str, Any]
) -> None:
    """Case, space and abbreviation variants of valid labels (`Förs.stöd`, `ARBETE`)."""
    drift = cal["label_drift"]
    for field, code_list in LABEL_FIELDS.items():
        for canonical, variants in drift["variants"].get(code_list, {}).items():
            chosen = (
                gwa
                & (frame[field] == canonical).to_numpy()
                & (rng.random(len(frame)) < drift["share"])
            )
            rows = np.flatnonzero(chosen)
            picked = np.asarray(variants, dtype=object)[rng.integers(0, len(variants), len(rows))]
            frame[field] = set_labels(frame[field], rows, picked)


def _plant_unknown_labels(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    gwa: np.ndarray,
    end: np.datetime64,
    cal: dict[str, Any],
) -> None:
    """Labels on no code list, per organisation, in rows the last delivery shows."""
    spec = cal["defects"]["unknown_label"]
    exit_visible = frame["exit_registered_date"].to_numpy() <= end
    for field, code_list in LABEL_FIELDS.items():
        unknown = np.asarray(cal["unknown_labels"][code_list], dtype=object)
        for organisation in cal["case_systems"]:
            eligible = gwa & (frame["organisation"] == organisation).to_numpy()
            if field == "exit_reason":
                eligible &= exit_visible & frame["provisional_reason"].isna().to_numpy()
            if field == "income_at_enrolment":  # shown once enrolled
                eligible &= frame["enrolment_date"].notna().to_numpy()
            rows = planted_rows(rng, eligible, spec["share"], spec["minimum"])
            picked = unknown[rng.integers(0, len(unknown), len(rows))]
            frame[field] = set_labels(frame[field], rows, picked)
