"""Enrolment episodes: who was referred where, when they started and left, and why.

One row per case (enrolment), as the truth every source is later printed from. Dates are
datetime64[D]; NaT means "not (yet) happened by the end date" (queue, active).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from pipelines.demo.calibration import load_calibration
from pipelines.demo.draws import DAY, categorical, days, lognormal_days, weekly_hours
from pipelines.demo.people import samordningsnummer

NAT = np.datetime64("NaT", "D")


def draw_population(
    rng: np.random.Generator, participants: int, start: date, end: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Persons and all their enrolments: first referrals, re-enrolments, second units."""
    cal = load_calibration()
    first = _first_referrals(rng, participants, np.datetime64(start, "D"), np.datetime64(end, "D"))
    persons = _persons(rng, first, cal)
    first = first.drop(columns=["birth", "is_man"])
    end_day = np.datetime64(end, "D")
    first = _timing(rng, first, end_day, cal["flow"])
    again = _timing(rng, _reenrolments(rng, first, end_day, cal), end_day, cal["flow"])
    both = pd.concat([first, again], ignore_index=True)
    parallel = _timing(rng, _second_units(rng, both, end_day, cal), end_day, cal["flow"])
    frame = pd.concat([both, parallel], ignore_index=True)
    frame["insats"] = pd.Categorical(frame["insats"], categories=list(cal["insatser"]))
    frame["unit"] = pd.Categorical(frame["unit"], categories=list(cal["units"]))
    reasons = list(cal["code_lists"]["avslutsorsak"])
    for column in ("exit_reason", "provisional_reason"):
        frame[column] = pd.Categorical(frame[column], categories=reasons)
    frame = frame.sort_values(["referral_date", "person"], kind="stable", ignore_index=True)
    return persons, _details(rng, frame, cal)


def draw_extra_persons(
    rng: np.random.Generator, count: int, start: date, end: date
) -> pd.DataFrame:
    """Persons outside the case system (for instance reported only to SCB)."""
    spec = load_calibration()["scb"]["only_in_scb"]
    referral = _uniform_dates(rng, count, np.datetime64(start, "D"), np.datetime64(end, "D"))
    low, high = spec["age"]
    age = low + rng.random(count) * (high + 1 - low)
    birth = referral - days(age * 365.25)
    is_man = rng.random(count) < spec["male_share"]
    return pd.DataFrame({"birth": birth, "is_man": is_man, "start": referral})


def _first_referrals(
    rng: np.random.Generator, count: int, start: np.datetime64, end: np.datetime64
) -> pd.DataFrame:
    cal = load_calibration()
    insatser = cal["insatser"]
    insats = categorical(rng, {name: spec["share"] for name, spec in insatser.items()}, count)
    frame = pd.DataFrame({"person": np.arange(count), "insats": np.asarray(insats)})
    frame["unit"] = _units(rng, frame["insats"].to_numpy(), insatser)
    frame["referral_date"] = _uniform_dates(rng, count, start, end)
    age = np.empty(count)
    female_share = np.empty(count)
    for name, spec in insatser.items():
        rows = frame["insats"].to_numpy() == name
        low, high = spec["age"]["min"], spec["age"]["max"] + 1
        age[rows] = low + (high - low) * rng.beta(*spec["age"]["beta"], size=rows.sum())
        female_share[rows] = spec["female_share"]
    frame["birth"] = frame["referral_date"].to_numpy() - days(age * 365.25)
    frame["is_man"] = rng.random(count) >= female_share
    return frame


def _persons(rng: np.random.Generator, first: pd.DataFrame, cal: dict[str, Any]) -> pd.DataFrame:
    """One row per person; the first referral fixed the birth date and gender."""
    share = cal["defects"]["protected_identity"]["share"]
    return pd.DataFrame(
        {
            "birth": first["birth"].to_numpy(),
            "is_man": first["is_man"].to_numpy(),
            "is_protected": rng.random(len(first)) < share,
        }
    )


def assign_numbers(rng: np.random.Generator, *frames: pd.DataFrame) -> None:
    """Give every person of all frames one unique samordningsnummer (column ``pnr``)."""
    birth = np.concatenate([frame["birth"].to_numpy().astype("datetime64[D]") for frame in frames])
    is_man = np.concatenate([frame["is_man"].to_numpy() for frame in frames])
    numbers = samordningsnummer(rng, birth, is_man)
    offset = 0
    for frame in frames:
        frame["pnr"] = numbers[offset : offset + len(frame)]
        offset += len(frame)


def _units(rng: np.random.Generator, insats: np.ndarray, insatser: dict[str, Any]) -> np.ndarray:
    units = np.empty(len(insats), dtype=object)
    for name, spec in insatser.items():
        rows = insats == name
        units[rows] = np.asarray(categorical(rng, spec["units"], int(rows.sum())))
    return units


def _uniform_dates(
    rng: np.random.Generator, count: int, start: np.datetime64, end: np.datetime64
) -> np.ndarray:
    span = (end - start) / DAY
    return start + days(rng.random(count) * span)


def _timing(
    rng: np.random.Generator, frame: pd.DataFrame, end: np.datetime64, flow: dict[str, Any]
) -> pd.DataFrame:
    """Queue, enrolment, exit, registration lag, reason corrections and kartläggning dates."""
    count = len(frame)
    referral = frame["referral_date"].to_numpy().astype("datetime64[D]")
    enrolment = referral + days(rng.exponential(flow["queue_wait_days_mean"], count))
    enrolment = np.where(enrolment <= end, enrolment, NAT)
    reason = np.asarray(categorical(rng, load_calibration()["code_lists"]["avslutsorsak"], count))
    duration = _durations(rng, reason, flow)
    exit_date = enrolment + days(np.maximum(duration, 1))
    exited = exit_date <= end
    exit_date = np.where(exited, exit_date, NAT)
    registered = exit_date + days(rng.exponential(flow["exit_registration_lag_days_mean"], count))
    corrected = exited & (rng.random(count) < flow["reason_correction_share"]) & (reason != "Annat")
    low, high = flow["reason_correction_days"]
    frame = frame.assign(
        referral_date=referral,
        enrolment_date=enrolment,
        exit_date=exit_date,
        exit_registered_date=registered,
        exit_reason=np.where(exited, reason, None),
        provisional_reason=np.where(corrected, "Annat", None),
        correction_date=np.where(corrected, registered + days(rng.uniform(low, high, count)), NAT),
    )
    assessed = rng.random(count) >= flow["never_assessed_share"]
    assessment = enrolment + days(rng.exponential(flow["assessment_days_mean"], count))
    frame["assessment_date"] = np.where(assessed, assessment, NAT)
    return frame


def _durations(rng: np.random.Generator, reason: np.ndarray, flow: dict[str, Any]) -> np.ndarray:
    """Days enrolled: log-normal around ~8 months, short for Avbrott and Felregistrering."""
    median = np.where(
        reason == "Avbrott", flow["dropout_median_days"], flow["duration_median_days"]
    )
    duration = lognormal_days(rng, median, flow["duration_sigma"], len(reason))
    misregistered = reason == "Felregistrering"
    short = rng.uniform(0, flow["misregistration_max_days"], len(reason))
    return np.where(misregistered, short, duration)


def _reenrolments(
    rng: np.random.Generator, frame: pd.DataFrame, end: np.datetime64, cal: dict[str, Any]
) -> pd.DataFrame:
    """Some persons who left are referred again to the same insats later."""
    flow = cal["flow"]
    exited = ~np.isnat(frame["exit_date"].to_numpy()) & (frame["exit_reason"] != "Felregistrering")
    chosen = frame[exited.to_numpy() & (rng.random(len(frame)) < flow["reenrolment_share"])]
    gap = days(rng.exponential(flow["reenrolment_gap_days_mean"], len(chosen)))
    referral = chosen["exit_date"].to_numpy().astype("datetime64[D]") + gap
    again = chosen[["person", "insats"]].assign(referral_date=referral)
    again["unit"] = _units(rng, again["insats"].to_numpy(), cal["insatser"])
    return again[referral <= end].reset_index(drop=True)


def _second_units(
    rng: np.random.Generator, frame: pd.DataFrame, end: np.datetime64, cal: dict[str, Any]
) -> pd.DataFrame:
    """Some persons are enrolled at a second unit of the same insats at the same time."""
    share = cal["flow"]["second_unit_share"]
    enrolled = ~np.isnat(frame["enrolment_date"].to_numpy())
    chosen = frame[enrolled & (rng.random(len(frame)) < share)]
    parts = []
    for name, spec in cal["insatser"].items():
        for unit in spec["units"]:
            others = {other: weight for other, weight in spec["units"].items() if other != unit}
            rows = chosen[(chosen["insats"] == name) & (chosen["unit"] == unit)]
            if not others or rows.empty:
                continue
            part = rows[["person", "insats", "enrolment_date"]].copy()
            part["unit"] = np.asarray(categorical(rng, others, len(part)))
            parts.append(part)
    if not parts:
        return frame.iloc[:0][["person", "insats", "unit", "referral_date"]]
    second = pd.concat(parts, ignore_index=True)
    start = second.pop("enrolment_date").to_numpy().astype("datetime64[D]")
    latest = cal["flow"]["second_unit_start_days_max"]
    second["referral_date"] = start + days(rng.uniform(0, latest, len(second)))
    return second[second["referral_date"].to_numpy() <= end].reset_index(drop=True)


def _details(rng: np.random.Generator, frame: pd.DataFrame, cal: dict[str, Any]) -> pd.DataFrame:
    """Referrer, caseworker, income and occupation, kartläggning answers and attendance."""
    count = len(frame)
    lists = cal["code_lists"]
    frame["referrer"] = categorical(rng, lists["remittent"], count)
    frame["caseworker"] = _caseworkers(rng, frame["unit"].to_numpy(), cal["units"])
    frame["income_at_enrolment"] = categorical(rng, lists["forsorjning"], count)
    no_extent = frame["income_at_enrolment"].isin(["Ingen offentlig försörjning", "Uppgift saknas"])
    extent = np.asarray(categorical(rng, lists["omfattning"], count)).astype(float)
    frame["income_extent"] = pd.array(np.where(no_extent, np.nan, extent), dtype="Int64")
    frame["income_at_exit"] = frame["income_at_enrolment"].astype(object)
    frame["occupation_at_exit"] = np.asarray(categorical(rng, lists["sysselsattning"], count))
    for reason, outcome in cal["exit_outcomes"].items():
        rows = (frame["exit_reason"] == reason).to_numpy()
        frame.loc[rows, "income_at_exit"] = np.asarray(
            categorical(rng, outcome["forsorjning"], rows.sum())
        )
        frame.loc[rows, "occupation_at_exit"] = np.asarray(
            categorical(rng, outcome["sysselsattning"], rows.sum())
        )
    working = frame["occupation_at_exit"].isin(
        ["Arbete osubventionerat", "Arbete subventionerat", "Studier"]
    )
    occupation_extent = np.asarray(categorical(rng, lists["omfattning"], count)).astype(float)
    frame["occupation_extent"] = pd.array(
        np.where(working, occupation_extent, np.nan), dtype="Int64"
    )
    for column in ("income_at_exit", "occupation_at_exit"):
        frame[column] = pd.Categorical(frame[column])
    _kartlaggning(rng, frame, cal)
    frame["weekly_hours"] = weekly_hours(rng, cal["flow"]["weekly_hours"], count)
    return frame


def _caseworkers(
    rng: np.random.Generator, units: np.ndarray, spec: dict[str, Any]
) -> pd.Categorical:
    names = [signature for unit in spec.values() for signature in unit["caseworkers"]]
    picked = np.empty(len(units), dtype=object)
    for unit, unit_spec in spec.items():
        rows = units == unit
        picked[rows] = rng.choice(unit_spec["caseworkers"], size=rows.sum())
    return pd.Categorical(picked, categories=names)


def _kartlaggning(rng: np.random.Generator, frame: pd.DataFrame, cal: dict[str, Any]) -> None:
    """Answers of the initial assessment, with planted missing values (label or empty)."""
    count = len(frame)
    spec = cal["kartlaggning"]
    label_share = spec["missing_label_share"]
    for field, field_spec in spec.items():
        if not isinstance(field_spec, dict):
            continue
        missing = rng.random(count) < field_spec["missing_share"]
        if field_spec["code_list"] is None:
            years = rng.geometric(1 / (1 + spec["years_on_public_support_mean"]), count) - 1
            frame[field] = pd.array(np.where(missing, np.nan, years), dtype="Int64")
            continue
        values = categorical(rng, cal["code_lists"][field_spec["code_list"]], count)
        codes = values.codes.copy()
        as_label = missing & (rng.random(count) < label_share)
        codes[as_label] = list(values.categories).index(field_spec["missing_label"])
        codes[missing & ~as_label] = -1
        frame[field] = pd.Categorical.from_codes(codes, categories=values.categories)
