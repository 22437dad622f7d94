"""What each participant was paid, month by month: the truth kind F extracts are printed from.

A person's months follow their enrolment episodes (overlapping enrolments are one episode):
before the first one the kartläggning's years on support decide how long they were on it, the
income source recorded at enrolment holds until the exit, the one recorded at exit holds from
the exit month, and one later change may follow (a return to support, a lowered or ended
benefit extent, studies ending). Rates and amounts: calibration.yml ``income_support``.
Months are integers (months since 1970-01) so a whole path is numpy arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from pipelines.demo.calibration import load_calibration
from pipelines.demo.draws import categorical

OPEN = 1 << 30  # month of an exit that has not happened
NONE = "Ingen offentlig försörjning"
UNRECORDED = "Uppgift saknas"
EXTENTS = np.array([25, 50, 75, 100])


@dataclass
class SupportTruth:
    """Per person (index = truth's ``person``) and per payment: what the extracts print.

    ``persons``: ``in_scope`` (enrolled in a kind A case system, identity not protected),
    ``consents``, ``home`` (organisation of the first kind A enrolment).
    ``payments``: person, month, benefit (a Försörjning label), extent (or 0), amount.
    """

    persons: pd.DataFrame
    payments: pd.DataFrame


def month_of(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of datetime64 values; NaT becomes OPEN."""
    values = np.asarray(days).astype("datetime64[D]")
    months = values.astype("datetime64[M]").astype("int64")
    return np.where(np.isnat(values), OPEN, months)


def draw_income_support(
    rng: np.random.Generator, persons: pd.DataFrame, truth: pd.DataFrame, end: date
) -> SupportTruth:
    """Consent, monthly payments and the matching kartläggning; adjusts ``truth`` in place.

    Adds ``follow_up_consent`` (J/N/empty as written), keeps the income source of enrolments
    that join an episode equal to the episode's, and makes År i offentlig försörjning agree
    with the payments except on a few planted enrolments (``support_years_disagreement``).
    """
    cal = load_calibration()
    spec = cal["income_support"]
    people = _people(rng, persons, truth, cal)
    _write_consent(rng, truth, people["consents"].to_numpy(), spec)
    rows = truth[people["in_scope"].to_numpy()[truth["person"].to_numpy()]]
    rows = rows[rows["enrolment_date"].notna()].sort_values(["person", "enrolment_date"])
    episodes = _episodes(rows, truth)
    planted = _planted_disagreements(rng, rows, people, end)
    segments = _segments(rng, episodes, rows, planted, spec)
    months = _months(segments, int(month_of(np.datetime64(end, "D"))) + 1)
    payments = _payments(rng, months, len(persons), spec)
    _match_kartlaggning(truth, rows, payments, planted, spec)
    return SupportTruth(people, payments)


def _people(
    rng: np.random.Generator, persons: pd.DataFrame, truth: pd.DataFrame, cal: dict[str, Any]
) -> pd.DataFrame:
    organisation = (
        truth["unit"]
        .astype(str)
        .map({unit: spec["organisation"] for unit, spec in cal["units"].items()})
    )
    kind_a = organisation.isin(list(cal["case_systems"])) & truth["enrolment_date"].notna()
    first = (
        truth[kind_a.to_numpy()]
        .assign(organisation=organisation)
        .sort_values("enrolment_date")
        .drop_duplicates("person")
        .set_index("person")["organisation"]
    )
    people = pd.DataFrame(index=pd.RangeIndex(len(persons), name="person"))
    people["home"] = first.reindex(people.index)
    people["in_scope"] = people["home"].notna().to_numpy() & ~persons["is_protected"].to_numpy()
    people["consents"] = rng.random(len(persons)) < cal["income_support"]["consent_share"]
    return people


def _write_consent(
    rng: np.random.Generator, truth: pd.DataFrame, consents: np.ndarray, spec: dict[str, Any]
) -> None:
    """J for consenting persons on every row; a refusal is N or an empty cell."""
    refusal = np.asarray(categorical(rng, spec["refusal_cells"], len(truth)), dtype=object)
    cell = np.where(consents[truth["person"].to_numpy()], "J", refusal)
    truth["follow_up_consent"] = pd.Categorical(np.where(cell == "", None, cell))


def _episodes(rows: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """One row per episode: start, exit (OPEN if active), the next episode's start, and the
    rows that opened it and closed it. Enrolments joining an episode take its income source."""
    person = rows["person"].to_numpy()
    start = month_of(rows["enrolment_date"].to_numpy())
    stop = month_of(rows["exit_date"].to_numpy())
    running = pd.Series(stop).groupby(person).cummax().groupby(person).shift(1).to_numpy()
    opens = np.isnan(running) | (start > np.nan_to_num(running, nan=-1))
    number = np.cumsum(opens) - 1
    frame = pd.DataFrame({"episode": number, "person": person, "start": start, "stop": stop})
    frame["row"] = rows.index.to_numpy()
    grouped = frame.groupby("episode")
    episodes = grouped.agg(
        person=("person", "first"), start=("start", "first"), stop=("stop", "max")
    )
    episodes["first_row"] = grouped["row"].first()
    episodes["last_row"] = frame.loc[grouped["stop"].idxmax(), "row"].to_numpy()
    episodes["is_first"] = ~episodes["person"].duplicated()
    same_person = episodes["person"].shift(-1).eq(episodes["person"])
    following = episodes["start"].shift(-1).where(same_person)
    episodes["next_start"] = following.fillna(OPEN).astype("int64")
    joined = frame.loc[~opens, ["row", "episode"]]
    opener = episodes.loc[joined["episode"], "first_row"].to_numpy()
    for column in ("income_at_enrolment", "income_extent"):
        truth.loc[joined["row"].to_numpy(), column] = truth.loc[opener, column].to_numpy()
    return episodes.reset_index(drop=True)


def _planted_disagreements(
    rng: np.random.Generator, rows: pd.DataFrame, people: pd.DataFrame, end: date
) -> pd.Index:
    """First enrolments (kind A, consenting, assessed by the end, years given) whose support
    will not match.

    Years 1 cannot disagree by more than 12 months with at most 24 measured, so they are
    left out; the rest get the opposite of what the field says (see _support_months).
    """
    cal = load_calibration()
    first = rows.drop_duplicates("person")
    years = first["years_on_public_support"]
    organisation = (
        first["unit"]
        .astype(str)
        .map({unit: spec["organisation"] for unit, spec in cal["units"].items()})
    )
    eligible = (
        people["consents"].to_numpy()[first["person"].to_numpy()]
        & organisation.isin(list(cal["case_systems"])).to_numpy()
        & (first["assessment_date"] <= np.datetime64(end, "D")).to_numpy()
        & years.notna().to_numpy()
        & (years.fillna(1) != 1).to_numpy()
        & (first["exit_reason"].astype(object) != "Felregistrering").to_numpy()
    )
    count = min(int(eligible.sum()), cal["income_support"]["kartlaggning_disagreements"])
    return pd.Index(rng.choice(first.index[eligible], size=count, replace=False))


def _support_months(
    rng: np.random.Generator, rows: pd.DataFrame, planted: pd.Index, spec: dict[str, Any]
) -> np.ndarray:
    """Months on support in the 24 before enrolment: the field's years (24 at most) +- jitter;
    planted rows get 24 when the field says 0 years, else 0-6."""
    window = spec["window_months"]
    years = rows["years_on_public_support"].astype("Float64")
    mean = load_calibration()["kartlaggning"]["years_on_public_support_mean"]
    drawn = rng.geometric(1 / (1 + mean), len(rows)) - 1
    cap = np.minimum(12 * years.fillna(pd.Series(drawn, index=rows.index)).to_numpy(float), window)
    jitter = spec["before_enrolment"]["months_jitter"]
    months = np.clip(cap + rng.integers(-jitter, jitter + 1, len(rows)), 0, window)
    opposite = np.where(cap == 0, window, rng.integers(0, 7, len(rows)))
    return np.where(rows.index.isin(planted), opposite, months).astype("int64")


@dataclass
class _State:
    benefit: np.ndarray  # label or None
    extent: np.ndarray  # percent, 0 when not paid at an extent
    wage: np.ndarray  # share of a full wage


def _state(labels: np.ndarray, extent: np.ndarray, spec: dict[str, Any]) -> _State:
    """The payments behind a Försörjning label: a benefit at an extent, a wage, or nothing."""
    labels = np.asarray(labels, dtype=object)
    extent = np.where(np.isnan(extent), 100, extent)
    has_extent = np.isin(labels, [b for b, s in spec["benefits"].items() if s.get("has_extent")])
    is_wage = labels == spec["wage_benefit"]
    paid = ~is_wage & np.isin(labels, list(spec["benefits"]))
    return _State(
        np.where(paid, labels, None),
        np.where(paid & has_extent, extent, 0).astype("int64"),
        np.where(is_wage, extent / 100, 0.0),
    )


def _choose(state: _State, other: _State, where: np.ndarray) -> _State:
    return _State(
        *(
            np.where(where, b, a)
            for a, b in zip(vars(state).values(), vars(other).values(), strict=True)
        )
    )


def _draw_labels(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    return np.asarray(categorical(rng, weights, size), dtype=object)


def _segments(
    rng: np.random.Generator,
    episodes: pd.DataFrame,
    rows: pd.DataFrame,
    planted: pd.Index,
    spec: dict[str, Any],
) -> pd.DataFrame:
    """Every episode as up to five stretches of months, each with one state."""
    count = len(episodes)
    before = spec["before_enrolment"]
    opening = rows.loc[episodes["first_row"]]
    closing = rows.loc[episodes["last_row"]]
    label = opening["income_at_enrolment"].astype(object).to_numpy()
    label = np.where(label == UNRECORDED, _draw_labels(rng, before["unrecorded"], count), label)
    extent = opening["income_extent"].astype("Float64").to_numpy(float, na_value=np.nan)
    during = _state(label, extent, spec)
    exit_label = closing["income_at_exit"].astype(object).to_numpy()
    same = (exit_label == opening["income_at_enrolment"].astype(object).to_numpy()) | (
        exit_label == UNRECORDED
    )
    at_exit = _choose(_state(exit_label, np.full(count, np.nan), spec), during, same)
    working = closing["occupation_at_exit"].astype(object).isin(spec["work_occupations"])
    share = closing["occupation_extent"].astype("Float64").fillna(100).to_numpy(float) / 100
    at_exit.wage = np.where(working.to_numpy(), share, at_exit.wage)
    key = np.where(same, label, exit_label)
    later, change = _later(rng, key, during, at_exit, spec)
    start, stop, following = (episodes[c].to_numpy() for c in ("start", "stop", "next_start"))
    first = episodes["is_first"].to_numpy()
    support = np.where(first, _support_months(rng, opening, planted, spec), 0)
    exit_start = np.where(stop == OPEN, OPEN, np.maximum(stop, start + 1))
    change_at = np.where(change == OPEN, OPEN, exit_start + change)
    no_public = pd.isna(during.benefit)
    presupport = _state(
        _draw_labels(rng, before["support_when_not_public"], count), np.full(count, np.nan), spec
    )
    prior = _state(_draw_labels(rng, before["prior"], count), np.full(count, np.nan), spec)
    window = spec["window_months"]
    stretches = [
        (start - window, np.where(first, start - support, start - window), prior),
        (start - support, start, _choose(during, presupport, no_public)),
        (start, np.minimum(exit_start, following), during),
        (exit_start, np.minimum(change_at, following), at_exit),
        (change_at, following, later),
    ]
    person = episodes["person"].to_numpy()
    frames = [
        pd.DataFrame({"person": person, "start": s, "stop": e, **vars(state)})
        for s, e, state in stretches
    ]
    return pd.concat(frames, ignore_index=True)


def _later(
    rng: np.random.Generator,
    key: np.ndarray,
    during: _State,
    at_exit: _State,
    spec: dict[str, Any],
) -> tuple[_State, np.ndarray]:
    """The one later change after the exit state, and how many months after the exit."""
    count = len(key)
    outcome = np.full(count, "unchanged", dtype=object)
    delay = np.full(count, OPEN)
    for label, rule in spec["after_exit"].items():
        rows = key == label
        outcome[rows] = _draw_labels(rng, rule["outcomes"], int(rows.sum()))
        low, high = rule["after_months"]
        delay[rows] = rng.integers(low, high + 1, int(rows.sum()))
    labelled = _state(outcome, np.full(count, np.nan), spec)
    returned = _state(
        np.where(pd.isna(during.benefit), spec["return_benefit"], during.benefit),
        np.where(during.extent > 0, during.extent, np.nan),
        spec,
    )
    lower = EXTENTS[rng.integers(0, np.maximum(np.searchsorted(EXTENTS, at_exit.extent), 1))]
    can_lower = (outcome == "lowered") & (at_exit.extent > EXTENTS[0])
    lowered = _State(at_exit.benefit, lower, (100 - lower) / 100)
    later = _choose(_choose(labelled, returned, outcome == "return"), lowered, can_lower)
    unchanged = (outcome == "unchanged") | ((outcome == "lowered") & ~can_lower)
    return _choose(later, at_exit, unchanged), np.where(unchanged, OPEN, delay)


def month_ranges(start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(range number, month) of every month of ranges [start, stop), without a loop."""
    length = np.maximum(stop - start, 0)
    index = np.repeat(np.arange(len(start)), length)
    offset = np.arange(len(index)) - np.repeat(np.cumsum(length) - length, length)
    return index, start[index] + offset


def _months(segments: pd.DataFrame, last: int) -> pd.DataFrame:
    """One row per person and month of every stretch, up to ``last`` (exclusive)."""
    stop = np.minimum(segments["stop"].to_numpy(), last)
    index, month = month_ranges(segments["start"].to_numpy(), stop)
    months = segments.iloc[index].reset_index(drop=True)
    months["month"] = month
    return months.drop(columns=["start", "stop"])


def _payments(
    rng: np.random.Generator, months: pd.DataFrame, persons: int, spec: dict[str, Any]
) -> pd.DataFrame:
    """Benefit, wage and top-up rows in kronor: a base per person and benefit, plus noise."""
    benefits = spec["benefits"]
    labels = list(benefits)
    low, high = (np.array([benefits[label]["amount"][i] for label in labels]) for i in (0, 1))
    base = low + (high - low) * rng.random((persons, len(labels)))
    top_up = spec["top_up"]
    top_base = rng.uniform(*top_up["amount"], persons)
    tops = rng.random(persons) < top_up["share"]
    person, wage = months["person"].to_numpy(), months["wage"].to_numpy()
    kinds = [  # what a month pays: the state's benefit, a wage, a top-up
        months["benefit"].notna().to_numpy(),
        wage > 0,
        tops[person] & months["benefit"].isin(top_up["benefits"]).to_numpy(),
    ]
    rows = np.concatenate([np.flatnonzero(mask) for mask in kinds])
    kind = np.repeat(np.arange(len(kinds)), [int(mask.sum()) for mask in kinds])
    label = np.select(
        [kind == 0, kind == 1],
        [months["benefit"].to_numpy()[rows], spec["wage_benefit"]],
        top_up["benefit"],
    )
    extent = np.where(kind == 0, months["extent"].to_numpy()[rows], 0)
    scale = np.select([extent > 0, kind == 1], [extent / 100, wage[rows]], 1.0)
    code, who = pd.Index(labels).get_indexer(label), person[rows]
    noise = np.array([benefits[name]["noise"] for name in labels])[code]
    amount = np.where(kind == 2, top_base[who], base[who, code]) * scale
    amount *= np.maximum(1 + noise * rng.standard_normal(len(rows)), 0.3)
    unit = 10.0 ** np.array([benefits[name].get("decimals", 0) for name in labels])[code]
    return pd.DataFrame(
        {
            "person": who,
            "month": months["month"].to_numpy()[rows],
            "benefit": pd.Categorical(label, categories=labels),
            "extent": extent,
            "amount": np.round(amount * unit) / unit,
        }
    )


def _match_kartlaggning(
    truth: pd.DataFrame,
    rows: pd.DataFrame,
    payments: pd.DataFrame,
    planted: pd.Index,
    spec: dict[str, Any],
) -> None:
    """Set År i offentlig försörjning to what the payments show where it disagrees by more
    than 12 months (later enrolments), except on the planted ones; record measured months."""
    window = spec["window_months"]
    public = payments[payments["benefit"] != spec["wage_benefit"]]
    keys = np.unique(public["person"].to_numpy() * OPEN + public["month"].to_numpy())
    start = month_of(rows["enrolment_date"].to_numpy())
    wanted = (rows["person"].to_numpy() * OPEN + start)[:, None] - np.arange(1, window + 1)
    measured = np.isin(wanted, keys).sum(axis=1)
    years = rows["years_on_public_support"].astype("Float64").to_numpy(float, na_value=np.nan)
    off = np.abs(np.minimum(12 * years, window) - measured) > 12
    fix = off & ~rows.index.isin(planted)
    truth.loc[rows.index[fix], "years_on_public_support"] = measured[fix] // 12
    truth["measured_support_months"] = pd.array(
        pd.Series(measured, index=rows.index).reindex(truth.index), dtype="Int64"
    )
    truth["support_years_disagreement"] = truth.index.isin(planted)
