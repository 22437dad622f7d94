"""Kind E: ledger exports, yearly budgets and forecasts in ``ekonomi/``.

Costs follow the participants: each insats and unit costs about ``cost_per_served`` per
participant served in a year (calibration.yml), split over Kommun-Bas accounts, booked
as monthly transactions; the ESF insats books its grant as negative income, and the
förbund's own office books on a project of no insats (a cost of no insats' figures).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipelines.demo.calibration import load_calibration
from pipelines.demo.csv_output import write_csv
from pipelines.demo.draws import planted_rows
from pipelines.demo.xlsx_output import write_workbook


def served_per_year(truth: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Participants served (active some day of the year) per insats, unit and year."""
    valid = truth[
        truth["enrolment_date"].notna() & (truth["true_exit_reason"] != "Felregistrering")
    ]
    frames = []
    for year in years:
        active = (valid["enrolment_date"] <= pd.Timestamp(year, 12, 31)) & (
            valid["exit_date"].isna() | (valid["exit_date"] >= pd.Timestamp(year, 1, 1))
        )
        counts = valid[active].groupby(["insats", "unit"], observed=True).size()
        frames.append(counts.rename("served").reset_index().assign(year=year))
    return pd.concat(frames, ignore_index=True)


def annual_costs(served: pd.DataFrame) -> pd.DataFrame:
    """Full-year cost per insats, unit, year and cost line, from participants served."""
    cal = load_calibration()
    per_served = served["insats"].map(
        {name: spec["cost_per_served"] for name, spec in cal["insatser"].items()}
    )
    lines = cal["economy"]["cost_lines"]
    return pd.concat(
        [
            served.assign(cost_line=line, cost=served["served"] * per_served.astype(float) * share)
            for line, share in lines.items()
        ],
        ignore_index=True,
    )


def ledger_transactions(
    rng: np.random.Generator, costs: pd.DataFrame, end: date, numbers: np.ndarray
) -> pd.DataFrame:
    """Monthly transactions per account summing to the costs, credits and ESF income."""
    cal = load_calibration()
    economy = cal["economy"]
    accounts = (
        pd.DataFrame.from_dict(economy["accounts"], orient="index")
        .rename_axis("account")
        .reset_index()
    )
    accounts["weight"] = accounts["typical"] / accounts.groupby("cost_line")["typical"].transform(
        "sum"
    )
    months = pd.DataFrame({"month": np.arange(1, 13)})
    esf_income = _esf_income(costs, end)
    costs = pd.concat(
        [costs.astype({"insats": object, "unit": object}), _administration_costs(costs)],
        ignore_index=True,
    )
    groups = costs.merge(accounts, on="cost_line").merge(months, how="cross")
    groups = groups[
        pd.to_datetime(dict(year=groups["year"], month=groups["month"], day=1)) <= pd.Timestamp(end)
    ]
    groups["amount"] = groups["cost"] * groups["weight"] / 12
    cap = economy["max_transactions_per_month"]
    counts = np.clip(np.rint(groups["amount"] / groups["typical"]), 1, cap).astype(int).to_numpy()
    rows = groups.loc[groups.index.repeat(counts)].reset_index(drop=True)
    group_id = np.repeat(np.arange(len(groups)), counts)
    weights = rng.lognormal(0, economy["transaction_amount_sigma"], len(rows))
    rows["amount"] = np.round(
        rows["amount"] * weights / np.bincount(group_id, weights)[group_id], 2
    )
    rows["day"] = _booking_days(rng, rows, end)
    rows = pd.concat([rows, esf_income], ignore_index=True)
    return _finish(rng, rows, numbers, economy)


def _administration_costs(costs: pd.DataFrame) -> pd.DataFrame:
    """The förbund's own office per year and cost line (no insats, no unit columns)."""
    economy = load_calibration()["economy"]
    years = pd.DataFrame({"year": sorted(costs["year"].unique())})
    lines = pd.DataFrame(
        {"cost_line": list(economy["cost_lines"]), "share": list(economy["cost_lines"].values())}
    )
    rows = years.merge(lines, how="cross")
    rows["cost"] = rows["share"] * economy["administration"]["yearly_cost"]
    return rows.drop(columns="share")


def _booking_days(rng: np.random.Generator, rows: pd.DataFrame, end: date) -> np.ndarray:
    first = pd.to_datetime(dict(year=rows["year"], month=rows["month"], day=1))
    length = first.dt.days_in_month.to_numpy()
    last_allowed = np.minimum(
        length, np.where(first.dt.to_period("M") == pd.Period(end, "M"), end.day, length)
    )
    return 1 + np.floor(rng.random(len(rows)) * last_allowed).astype(int)


def _esf_income(costs: pd.DataFrame, end: date) -> pd.DataFrame:
    """Quarterly ESF grant income, booked negative on the income account."""
    economy = load_calibration()["economy"]
    insatser = load_calibration()["insatser"]
    esf = costs[costs["insats"].map(lambda name: bool(insatser[name].get("esf_projects")))]
    yearly = esf.groupby(["insats", "unit", "year"], observed=True)["cost"].sum().reset_index()
    quarters = yearly.merge(pd.DataFrame({"month": [3, 6, 9, 12]}), how="cross")
    quarters = quarters[
        pd.to_datetime(dict(year=quarters["year"], month=quarters["month"], day=28))
        <= pd.Timestamp(end)
    ]
    return quarters.assign(
        account=economy["income_account"],
        text="ESF-stöd utbetalning",
        day=28,
        amount=-np.round(quarters["cost"] * economy["income_share_of_cost"] / 4, 2),
    )


def _finish(
    rng: np.random.Generator, rows: pd.DataFrame, numbers: np.ndarray, economy: dict[str, Any]
) -> pd.DataFrame:
    """Credits, personnummer typed into texts, ledger keys; ordered by date like an export."""
    cal = load_calibration()
    credit = planted_rows(
        rng, (rows["account"] != economy["income_account"]).to_numpy(), economy["credit_share"]
    )
    rows.loc[credit, "amount"] = -rows.loc[credit, "amount"]
    rows.loc[credit, "text"] = "Kreditfaktura " + rows.loc[credit, "text"]
    rows["has_personnummer"] = False
    spec = economy["texts_with_personnummer"]
    typed = planted_rows(
        rng, (rows["account"] == "7010").to_numpy(), spec["share"], spec["minimum"]
    )
    picked = rng.choice(numbers, len(typed)).astype(str)
    rows.loc[typed, "text"] = [f"Resa deltagare {pnr[2:8]}-{pnr[8:]}" for pnr in picked]
    rows.loc[typed, "has_personnummer"] = True
    rows["booking_date"] = pd.to_datetime(
        dict(year=rows["year"], month=rows["month"], day=rows["day"])
    )
    administration = economy["administration"]
    rows["responsibility"] = (
        rows["unit"]
        .map({u: s["responsibility"] for u, s in cal["units"].items()})
        .fillna(administration["responsibility"])
    )
    rows["project"] = (
        rows["insats"]
        .map({n: s["projekt"] for n, s in cal["insatser"].items()})
        .fillna(administration["project"])
    )
    rows["nbsp"] = rng.random(len(rows)) < economy["nbsp_share"]
    rows = rows.sort_values(
        ["booking_date", "account", "responsibility"], kind="stable", ignore_index=True
    )
    rows["voucher"] = rows["year"] * 1_000_000 + rows.groupby("year").cumcount() + 1
    return rows[
        [
            "voucher",
            "booking_date",
            "account",
            "responsibility",
            "project",
            "amount",
            "text",
            "has_personnummer",
            "nbsp",
            "insats",
            "year",
        ]
    ]


LEDGER_SQL = """
select voucher as Verifikation, strftime(booking_date, '%Y-%m-%d') as Bokföringsdatum,
    account as Konto, responsibility as Ansvar, project as Projekt,
    replace(replace(replace(format('{{:,.2f}}', amount), ',', '#'), '.', ','), '#',
            case when nbsp then chr(160) else ' ' end) as Belopp,
    text as Text
from ledger where booking_date <= date '{as_of}' order by voucher
"""


def write_ledgers(
    con: duckdb.DuckDBPyConnection, ledger: pd.DataFrame, landing: Path, end: date
) -> list[dict[str, Any]]:
    """A year-end delivery and a current one: full snapshots of the organisation's ledger."""
    economy = load_calibration()["economy"]
    organisation = economy["ledger_organisation"]
    con.register("ledger", ledger)
    entries = []
    for as_of in (date(end.year - 1, 12, 31), end):
        path = landing / "ekonomi" / f"huvudbok_{organisation}_{as_of:%Y%m%d}.csv"
        write_csv(
            con,
            LEDGER_SQL.format(as_of=as_of.isoformat()),
            path,
            encoding=economy["ledger_encoding"],
        )
        shown = ledger[ledger["booking_date"] <= pd.Timestamp(as_of)]
        entries.append(
            {
                "file": f"ekonomi/{path.name}",
                "source_kind": "ledger",
                "organisation": organisation,
                "extraction_date": as_of.isoformat(),
                "encoding": economy["ledger_encoding"],
                "is_current": as_of == end,
                "rows": len(shown),
                "credit_rows": int((shown["amount"] < 0).sum()),
                "income_rows": int(shown["account"].str.startswith("3").sum()),
                "texts_with_personnummer": int(shown["has_personnummer"].sum()),
                "total_by_year": {
                    str(year): round(float(total), 2)
                    for year, total in shown.groupby("year")["amount"].sum().items()
                },
            }
        )
    con.unregister("ledger")
    return entries


def write_budgets(
    rng: np.random.Generator, costs: pd.DataFrame, landing: Path
) -> list[dict[str, Any]]:
    """budget_<YYYY>.xlsx: sheet Budget per insats and cost line, sheet Finansiering."""
    cal = load_calibration()
    yearly = (
        costs.groupby(["year", "insats", "cost_line"], observed=True)["cost"].sum().reset_index()
    )
    noise = 1 + cal["economy"]["budget_noise"] * rng.standard_normal(len(yearly))
    yearly["Budget"] = np.round(yearly["cost"] * noise, -3)
    yearly["Projekt"] = yearly["insats"].map({n: s["projekt"] for n, s in cal["insatser"].items()})
    funding = funding_shares()
    entries = []
    for year, frame in yearly.groupby("year"):
        path = landing / "ekonomi" / f"budget_{year}.xlsx"
        budget = frame.rename(columns={"insats": "Insats", "cost_line": "Kostnadsslag"})
        budget = budget[["Insats", "Projekt", "Kostnadsslag", "Budget"]].astype({"Insats": str})
        write_workbook(path, {"Budget": budget, "Finansiering": funding}, date(year - 1, 11, 30))
        entries.append(
            {
                "file": f"ekonomi/{path.name}",
                "source_kind": "budget",
                "organisation": str(year),
                "rows": len(budget),
                "funding_rows": len(funding),
                "total_budget": float(budget["Budget"].sum()),
                "is_current": True,
            }
        )
    return entries


def funding_shares() -> pd.DataFrame:
    """FK 50 %, region 25 %, the municipalities of an insats's units 25 % by population."""
    cal = load_calibration()
    rows = []
    for name, spec in cal["insatser"].items():
        rows += [(name, party, float(share)) for party, share in cal["economy"]["funding"].items()]
        codes = sorted({cal["units"][unit]["municipality_code"] for unit in spec["units"]})
        population = np.array([cal["municipalities"][code]["population_16_64"] for code in codes])
        remaining = 100 - sum(cal["economy"]["funding"].values())
        shares = np.round(remaining * population / population.sum(), 2)
        shares[-1] = round(remaining - shares[:-1].sum(), 2)
        rows += [
            (name, cal["municipalities"][code]["name"], float(share))
            for code, share in zip(codes, shares, strict=True)
        ]
    return pd.DataFrame(rows, columns=["Insats", "Part", "Andel"])


def write_forecasts(
    rng: np.random.Generator, costs: pd.DataFrame, landing: Path, end: date
) -> list[dict[str, Any]]:
    """prognos_<YYYYMMDD>.xlsx: full-year forecasts made several times a year."""
    cal = load_calibration()
    yearly = (
        costs.groupby(["year", "insats", "cost_line"], observed=True)["cost"].sum().reset_index()
    )
    yearly["Projekt"] = yearly["insats"].map({n: s["projekt"] for n, s in cal["insatser"].items()})
    entries = []
    for year, frame in yearly.groupby("year"):
        for month_day in cal["economy"]["forecast_month_days"]:
            made = date.fromisoformat(f"{year}-{month_day}")
            if made > end:
                continue
            noise = 1 + cal["economy"]["forecast_noise"] * rng.standard_normal(len(frame))
            forecast = frame.assign(Helårsprognos=np.round(frame["cost"] * noise, -3)).rename(
                columns={"insats": "Insats", "cost_line": "Kostnadsslag"}
            )
            forecast = forecast[["Insats", "Projekt", "Kostnadsslag", "Helårsprognos"]].astype(
                {"Insats": str}
            )
            path = landing / "ekonomi" / f"prognos_{made:%Y%m%d}.xlsx"
            write_workbook(path, {"Prognos": forecast}, made)
            entries.append(
                {
                    "file": f"ekonomi/{path.name}",
                    "source_kind": "forecast",
                    "organisation": "forbund",
                    "extraction_date": made.isoformat(),
                    "rows": len(forecast),
                    "is_current": True,
                }
            )
    return entries
