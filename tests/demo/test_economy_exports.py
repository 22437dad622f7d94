"""Kind E: ledger, budgets and forecasts."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from tests.demo.landing_files import entries, manifest, read_rows, records, sheet
from tests.demo.spec_vocabulary import LEDGER_COLUMNS

AMOUNT = re.compile(r"^-?\d{1,3}([ \u00a0]\d{3})*,\d{2}$")
COST_LINES = {"Personal", "Lokaler", "Övriga kostnader"}


def _amount(text: str) -> float:
    return float(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))


def test_ledger_follows_the_economy_system_export(landing: Path) -> None:
    ledgers = entries(landing, "ledger")
    assert len(ledgers) >= 1
    for entry in ledgers:
        header, _ = read_rows(landing / entry["file"])
        assert header == LEDGER_COLUMNS
        rows = records(landing / entry["file"])
        as_of = date.fromisoformat(entry["extraction_date"])
        separators = set()
        for row in rows:
            assert AMOUNT.match(row["belopp"]), row["belopp"]
            separators |= set(row["belopp"]) & {" ", "\u00a0"}
            assert re.match(r"^\d{4}$", row["konto"])
            assert date.fromisoformat(row["bokföringsdatum"]) <= as_of
            assert row["konto"][0] != "3" or _amount(row["belopp"]) < 0
        assert separators == {" ", "\u00a0"}
        accounts = {row["konto"] for row in rows}
        assert any(a.startswith("5") for a in accounts) and any(
            a[:2] in ("61", "62") for a in accounts
        )
        assert any(a.startswith("3") for a in accounts) and any(a[0] in "47" for a in accounts)
        negative = [row for row in rows if row["belopp"].startswith("-")]
        assert len(negative) == entry["credit_rows"] >= 1
        typed = [row for row in rows if re.search(r"\d{6}[-+]\d{4}", row["text"])]
        assert len(typed) == entry["texts_with_personnummer"] >= 1
        assert len({row["verifikation"] for row in rows}) == len(rows)


def test_costs_scale_with_participants(landing: Path) -> None:
    (ledger,) = entries(landing, "ledger", True)
    costs = sum(
        _amount(row["belopp"])
        for row in records(landing / ledger["file"])
        if not row["konto"].startswith("3")
    )
    enrolments = manifest(landing)["enrolments"]
    assert 12_000 <= costs / enrolments <= 50_000


def test_budgets_have_budget_and_funding_sheets(landing: Path) -> None:
    budgets = entries(landing, "budget")
    period = manifest(landing)["period"]
    assert {entry["organisation"] for entry in budgets} == {
        str(year) for year in range(int(period["start"][:4]), int(period["end"][:4]) + 1)
    }
    for entry in budgets:
        path = landing / entry["file"]
        budget, funding = sheet(path, "Budget"), sheet(path, "Finansiering")
        assert budget[0] == ["Insats", "Projekt", "Kostnadsslag", "Budget"]
        assert {row[2] for row in budget[1:]} == COST_LINES
        assert all(row[3] > 0 for row in budget[1:])
        assert funding[0] == ["Insats", "Part", "Andel"]
        shares = defaultdict(dict)
        for insats, party, share in funding[1:]:
            shares[insats][party] = share
        assert set(shares) == {row[0] for row in budget[1:]}
        for parties in shares.values():
            assert parties["Försäkringskassan"] == 50 and parties["Region"] == 25
            assert abs(sum(parties.values()) - 100) < 1e-9 and len(parties) >= 3


def test_forecasts_several_a_year(landing: Path) -> None:
    forecasts = entries(landing, "forecast")
    per_year = defaultdict(int)
    for entry in forecasts:
        table = sheet(landing / entry["file"], "Prognos")
        assert table[0] == ["Insats", "Projekt", "Kostnadsslag", "Helårsprognos"]
        assert {row[2] for row in table[1:]} == COST_LINES
        assert len(table) - 1 == entry["rows"]
        per_year[entry["extraction_date"][:4]] += 1
    assert all(count >= 2 for count in per_year.values()) and len(per_year) >= 5
