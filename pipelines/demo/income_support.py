"""Kind F: monthly income-support extracts, ``register/forsorjning_<kalla>_<YYYYMMDD>.csv``.

Every paying source gets the förbund's list of consenting participants and returns, for each
person it knows, every month from 24 months before the first enrolment to 24 after the last
exit (or its newest month): one row per benefit paid, one empty row when nothing was. Persons
it does not know (another municipality's residents, a number mistyped in the case system) are
only counted in the trailer. Planted on top, and counted in the manifest: rows of persons sent
on an old list (without consent, or in no case system) and defects of the usual kinds.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipelines.demo.calibration import load_calibration
from pipelines.demo.case_system import HEADER_STYLES, PERSONNUMMER_SQL
from pipelines.demo.csv_output import quote_identifier, write_csv
from pipelines.demo.defects import PNR_FORMS
from pipelines.demo.draws import categorical, planted_rows
from pipelines.demo.support_paths import OPEN, SupportTruth, month_of, month_ranges

COLUMNS = ["Personnummer", "Månad", "Ersättning", "Omfattning", "Belopp"]
MONTH_FORMS = {"%Y-%m": "YYYY-MM", "%Y%m": "YYYYMM"}
DEFECTS = ["unreadable_month", "unreadable_amount", "unknown_benefit", "invalid_extent"]


def write_income_support(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    support: SupportTruth,
    truth: pd.DataFrame,
    outsiders: np.ndarray,
    landing: Path,
    end: date,
) -> list[dict[str, Any]]:
    """Every extract of every source; ``outsiders`` are numbers of persons in no case system."""
    entries = []
    for source, spec in load_calibration()["income_support"]["sources"].items():
        for delivery in spec["deliveries"]:
            as_of = end - timedelta(days=delivery["days_before_end"])
            rows, counts = _extract(rng, support, truth, outsiders, source, spec, delivery, as_of)
            path = landing / "register" / f"forsorjning_{source}_{as_of:%Y%m%d}.csv"
            _write(con, rows, path, spec, delivery["header_style"], counts["unknown_persons"])
            entries.append(
                {
                    "file": f"register/{path.name}",
                    "source_kind": "income_support",
                    "organisation": source,
                    "extraction_date": as_of.isoformat(),
                    "encoding": spec["encoding"],
                    "month_form": MONTH_FORMS[spec["month_format"]],
                    "personnummer_forms": list(spec["personnummer_forms"]),
                    "header_style": delivery["header_style"],
                    "benefits": spec["benefits"],
                    "residents_of": spec.get("residents_of"),
                    "is_current": delivery is spec["deliveries"][-1],
                    **counts,
                }
            )
    return entries


def follow_up_summary(truth: pd.DataFrame) -> dict[str, Any]:
    """Consenting linkable persons of the case systems, and the planted kartläggning findings
    (by organisation and ÄrendeID, never a personnummer)."""
    kind_a = truth["organisation"].isin(list(load_calibration()["case_systems"]))
    shown = kind_a & truth["enrolment_date"].notna() & ~truth["is_protected"]
    consenting = (
        shown & (truth["follow_up_consent"] == "J") & (truth["printed_pnr"] == truth["pnr"])
    )
    linkable = truth["support_years_disagreement"] & (truth["printed_pnr"] == truth["pnr"])
    planted = truth[linkable].sort_values(["organisation", "case_id"])
    return {
        "consenting_persons": int(truth.loc[consenting, "person"].nunique()),
        "kartlaggning_disagreements": [
            {
                "organisation": str(row.organisation),
                "case_id": int(row.case_id),
                "years_on_public_support": int(row.years_on_public_support),
                "measured_support_months": int(row.measured_support_months),
            }
            for row in planted.itertuples()
        ],
    }


def _windows(truth: pd.DataFrame, as_of: date, last_month: int) -> pd.DataFrame:
    """Per person enrolled by ``as_of``: first and last covered month, and whether one of
    their kind A rows carries the right number (so the list sent had it right)."""
    day = np.datetime64(as_of, "D")
    window = load_calibration()["income_support"]["window_months"]
    rows = truth[(truth["enrolment_date"] <= day).to_numpy()]
    exits = rows["exit_date"].to_numpy().astype("datetime64[D]")
    kind_a = rows["organisation"].isin(list(load_calibration()["case_systems"]))
    frame = pd.DataFrame(
        {
            "person": rows["person"].to_numpy(),
            "first": month_of(rows["enrolment_date"].to_numpy()) - window,
            "last": month_of(np.where(exits <= day, exits, np.datetime64("NaT"))),
            "valid": (kind_a & (rows["printed_pnr"] == rows["pnr"])).to_numpy(),
        }
    )
    persons = frame.groupby("person").agg(
        first=("first", "min"), last=("last", "max"), valid=("valid", "any")
    )
    persons["last"] = np.minimum(persons["last"] + window, last_month)
    return persons


def _extract(
    rng: np.random.Generator,
    support: SupportTruth,
    truth: pd.DataFrame,
    outsiders: np.ndarray,
    source: str,
    spec: dict[str, Any],
    delivery: dict[str, Any],
    as_of: date,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The rows of one extract and what the manifest says about them."""
    last_month = int(month_of(np.datetime64(as_of, "D"))) - spec.get("months_lag", 0)
    windows = _windows(truth, as_of, last_month)
    people = support.persons.loc[windows.index]
    resident = people["home"] == spec["residents_of"] if "residents_of" in spec else True
    listed = people["in_scope"] & people["consents"]
    known = listed & windows["valid"] & resident
    old_list = delivery.get("old_list", {})
    refused = people.index[people["in_scope"] & ~people["consents"] & windows["valid"] & resident]
    without = rng.choice(
        refused, min(len(refused), old_list.get("without_consent", 0)), replace=False
    )
    printed = windows.loc[people.index[known].union(pd.Index(without))]
    rows = _covered_rows(support.payments, printed, spec["benefits"])
    rows["planted"] = np.where(rows["person"].isin(without), "without_consent", "")
    rows["pnr"] = (
        truth.drop_duplicates("person")
        .set_index("person")["pnr"]
        .reindex(rows["person"])
        .to_numpy()
    )
    count = min(len(outsiders), old_list.get("not_in_case_system", 0))
    strangers = _outsider_rows(rng, rng.choice(outsiders, count, replace=False), spec, last_month)
    rows = pd.concat([rows, strangers], ignore_index=True)
    numbers, person_of_row = np.unique(rows["pnr"].to_numpy(), return_inverse=True)
    forms = categorical(rng, spec["personnummer_forms"], len(numbers))  # one per person
    form = pd.Index(PNR_FORMS).get_indexer(forms.categories)[forms.codes]
    rows["pnr_form"] = form[person_of_row].astype("int8")
    defects = _plant_defects(rng, rows, delivery.get("defects", {}))
    counts = {
        "rows": len(rows),
        "persons": len(numbers),
        "listed_persons": int(listed.sum()),
        "consenting_persons": int(known.sum()),
        "unknown_persons": int(listed.sum() - known.sum()),
        **_planted_counts(rows),
        "first_month": _iso_month(rows["month"].min()),
        "last_month": _iso_month(rows["month"].max()),
        "defects": defects,
    }
    return rows, counts


def _covered_rows(
    payments: pd.DataFrame, windows: pd.DataFrame, benefits: list[str]
) -> pd.DataFrame:
    """Every covered month of every person: the source's payments, else one empty row.

    Keys person * OPEN + month are sorted (persons ascending, months within), so membership
    is a binary search rather than a hash of every row.
    """
    first = windows["first"].to_numpy()
    index, month = month_ranges(first, windows["last"].to_numpy() + 1)
    person = windows.index.to_numpy()[index]
    keys = person * OPEN + month
    paid = payments[payments["benefit"].isin(benefits).to_numpy()]
    paid_keys = paid["person"].to_numpy() * OPEN + paid["month"].to_numpy()
    paid = paid[_contains(keys, paid_keys)]
    empty = ~_contains(np.unique(paid_keys), keys)
    categories = paid["benefit"].cat.categories
    nothing = pd.DataFrame(
        {
            "person": person[empty],
            "month": month[empty],
            "benefit": pd.Categorical.from_codes(np.full(empty.sum(), -1), categories),
            "extent": 0,
            "amount": 0.0,
        }
    )
    rows = pd.concat([paid, nothing], ignore_index=True)
    rows["benefit"] = rows["benefit"].astype(object)
    return rows


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of ``keys`` is among ``sorted_keys``."""
    if not len(sorted_keys):
        return np.zeros(len(keys), bool)
    position = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[position] == keys


def _outsider_rows(
    rng: np.random.Generator, numbers: np.ndarray, spec: dict[str, Any], last_month: int
) -> pd.DataFrame:
    """Two years of one benefit for each person the förbund never had in a case system."""
    window = load_calibration()["income_support"]["window_months"]
    benefits = load_calibration()["income_support"]["benefits"]
    label = rng.choice(spec["benefits"], len(numbers))
    low = np.array([benefits[name]["amount"][0] for name in label])
    high = np.array([benefits[name]["amount"][1] for name in label])
    has_extent = np.array([bool(benefits[name].get("has_extent")) for name in label])
    base = np.rint(low + (high - low) * rng.random(len(numbers)))
    first = np.full(len(numbers), last_month - window + 1)
    repeat, month = month_ranges(first, first + window)
    return pd.DataFrame(
        {
            "person": -1,
            "month": month,
            "benefit": label[repeat],
            "extent": np.where(has_extent, 100, 0)[repeat],
            "amount": base[repeat],
            "planted": "not_in_case_system",
            "pnr": numbers[repeat],
        }
    )


def _plant_defects(
    rng: np.random.Generator, rows: pd.DataFrame, spec: dict[str, Any]
) -> dict[str, int]:
    """Defects on rows of listed persons, one per row: counts per kind for the manifest."""
    cal = load_calibration()
    variants = cal["label_drift"]["variants"]["forsorjning"]
    benefit = rows["benefit"].to_numpy()
    eligible = {
        "unreadable_month": np.ones(len(rows), bool),
        "unreadable_amount": rows["amount"].to_numpy() > 0,
        "unknown_benefit": pd.notna(benefit),
        "invalid_extent": rows["extent"].to_numpy() > 0,
        "benefit_variant": np.isin(benefit, list(variants)),
    }
    free = rows["planted"].to_numpy() == ""
    defect = np.full(len(rows), "", dtype=object)
    for kind, candidates in eligible.items():
        share = spec.get("benefit_variant_share", 0) if kind == "benefit_variant" else 0
        hit = planted_rows(rng, candidates & free, share, spec.get(kind, 0))
        defect[hit] = kind
        free[hit] = False
    unknown = defect == "unknown_benefit"
    benefit[unknown] = rng.choice(cal["unknown_labels"]["forsorjning"], unknown.sum())
    for label, spellings in variants.items():
        drifted = (defect == "benefit_variant") & (benefit == label)
        benefit[drifted] = rng.choice(spellings, drifted.sum())
    extent = rows["extent"].to_numpy().copy()
    bad_extent = defect == "invalid_extent"
    extent[bad_extent] = rng.choice(cal["income_support"]["invalid_extents"], bad_extent.sum())
    rows["benefit"], rows["extent"], rows["defect"] = benefit, extent, defect
    return {kind: int((defect == kind).sum()) for kind in eligible}


def _planted_counts(rows: pd.DataFrame) -> dict[str, int]:
    counts = {}
    for kind in ("without_consent", "not_in_case_system"):
        planted = rows[rows["planted"] == kind]
        counts[f"persons_{kind}"] = int(planted["pnr"].nunique())
        counts[f"rows_{kind}"] = len(planted)
    return counts


def _iso_month(month: float) -> str | None:
    """A month as YYYY-MM; None for the first or last month of an extract without rows."""
    return None if pd.isna(month) else str(np.datetime64(int(month), "M"))


def _write(
    con: duckdb.DuckDBPyConnection,
    rows: pd.DataFrame,
    path: Path,
    spec: dict[str, Any],
    header_style: str,
    unknown: int,
) -> None:
    """One extract as the source writes it, the trailer line last."""
    unreadable = load_calibration()["income_support"]["unreadable_amount"]
    month_format = spec["month_format"]
    frame = pd.DataFrame(
        {
            "printed_pnr": rows["pnr"].to_numpy().astype("int64"),
            "pnr_form": rows["pnr_form"].to_numpy(),
            "is_protected": False,
            "month_date": rows["month"].to_numpy().astype("datetime64[M]").astype("datetime64[D]"),
            "benefit": rows["benefit"].astype(object).to_numpy(),
            "extent": pd.array(rows["extent"].where(rows["extent"] > 0), dtype="Int64"),
            "amount": rows["amount"].to_numpy(),
            "defect": rows["defect"].to_numpy(),
        }
    )
    values = [
        PERSONNUMMER_SQL,
        f"case when defect = 'unreadable_month' then "
        f"strftime(month_date, '{month_format.replace('%m', '13')}') "
        f"else strftime(month_date, '{month_format}') end",
        "benefit",
        "extent",
        f"case when defect = 'unreadable_amount' then '{unreadable}' when amount = 0 then '0' "
        "else replace(printf('%.2f', amount), '.', ',') end",
    ]
    style = HEADER_STYLES[header_style]
    select = ", ".join(
        f"{sql} as {quote_identifier(style(index, header))}"
        for index, (sql, header) in enumerate(zip(values, COLUMNS, strict=True))
    )
    con.register("extract_rows", frame)
    sql = f"select {select} from extract_rows order by printed_pnr, month_date, benefit nulls first"
    write_csv(
        con, sql, path, encoding=spec["encoding"], trailer=f"# Okända personnummer: {unknown}\n"
    )
    con.unregister("extract_rows")
