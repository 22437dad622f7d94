"""Reference case 1, Duellen in Flen (reference-cases.md), rebuilt as the files its team and
the municipality would deliver: the team's Excel register (kind B), the ledger, the budgets
and a prognosis (kind E), plus the insats configuration with the figures the evaluation
published by hand."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from tests.reference.source_files import (
    make_landing,
    samordningsnummer,
    split_amount,
    swedish_amount,
    write_delimited,
    write_workbook,
)

INSATS = "Duellen"
UNIT = "Flen"
PROJECT = "7301"
OTHER_PROJECT = "7390"
PERIOD_FROM = date(2007, 10, 1)
PARTICIPANTS_TO = date(2009, 6, 30)
COSTS_TO = date(2009, 7, 31)
REGISTER_FILE = "register_duellen_20090701.xlsx"
LEDGER_FILE = "huvudbok_flen_20090815.csv"
PROGNOSIS_DATE = date(2009, 6, 15)

WOMEN = 52
MEN = 81
MEAN_AGE = 22

# The team's own referrer labels; each person has one row per referring agency.
REFERRER_GROUPS: list[tuple[tuple[str, ...], int]] = [
    (("Arbetsförmedlingen",), 50),
    (("Kommunen",), 18),
    (("Landstinget",), 2),
    (("Försäkringskassan",), 5),
    (("Arbetsförmedlingen", "Kommunen"), 46),
    (("Arbetsförmedlingen", "Landstinget"), 5),
    (("Kommunen", "Försäkringskassan"), 2),
    (("Arbetsförmedlingen", "Kommunen", "Landstinget"), 5),
]
REFERRALS = {"Arbetsförmedlingen": 106, "Kommunen": 71, "Landstinget": 12, "Försäkringskassan": 7}

# The team's local exit categories with the published counts.
EXIT_CATEGORIES = {
    "Arbete": 38,
    "Allmänna studier": 15,
    "Yrkesinriktad utbildning": 13,
    "Aktuell Af": 18,
    "Arbetsförberedande rehabilitering": 10,
    "Rehab/behandling medicinsk/social": 11,
    "Ej rehab i dagsläget": 9,
    "Annat": 19,
}
WORK_OR_STUDIES = 66

# Published costs (kr) per cost line and year; Kringkostnader are booked on premises
# accounts (61xx), so they arrive as the cost line Lokaler, Övrigt as Övriga kostnader.
COSTS: dict[str, dict[int, int]] = {
    "Personal": {2007: 105_289, 2008: 491_423, 2009: 317_808},
    "Lokaler": {2007: 20_840, 2008: 141_000, 2009: 86_999},
    "Övriga kostnader": {2007: 135_227, 2008: 539_105, 2009: 417_760},
}
TOTAL_COST = 2_255_451
COST_PER_PARTICIPANT = 16_958
STATED_TOTAL_COST = 2_297_829
STATED_COST_PER_PARTICIPANT = 17_227
ACCOUNTS = {
    "Personal": [("5011", 7), ("5411", 3)],
    "Lokaler": [("6110", 4), ("6150", 1)],
    "Övriga kostnader": [("4010", 2), ("6550", 5), ("7010", 3)],
}
BUDGET: dict[int, dict[str, int]] = {
    2007: {"Personal": 120_000, "Lokaler": 30_000, "Övriga kostnader": 150_000},
    2008: {"Personal": 500_000, "Lokaler": 150_000, "Övriga kostnader": 550_000},
    2009: {"Personal": 520_000, "Lokaler": 150_000, "Övriga kostnader": 700_000},
}
FORECAST_2009 = {"Personal": 540_000, "Lokaler": 150_000, "Övriga kostnader": 690_000}
FUNDING = [("Försäkringskassan", 50.0), ("Region Sörmland", 25.0), ("Flen", 25.0)]

INCOME_LABELS = ["Försörjningsstöd", "A-kassa", "Aktivitetsstöd", "Aktivitetsersättning", "Ingen"]


@dataclass(frozen=True)
class Participant:
    personnummer: str
    gender: str
    age: int
    referrers: tuple[str, ...]
    start: date
    end: date
    exit_category: str


def _ages(rng: random.Random, count: int) -> list[int]:
    """Ages 16-30 whose mean is exactly the published 22."""
    ages = [rng.randint(17, 27) for _ in range(count)]
    target = MEAN_AGE * count
    while sum(ages) != target:
        index = rng.randrange(count)
        step = 1 if sum(ages) < target else -1
        if 16 <= ages[index] + step <= 30:
            ages[index] += step
    return ages


def _birth_date(rng: random.Random, first_start: date, age: int) -> date:
    """A birth date making the person `age` on every date from 29 days before to 30 after."""
    anniversary = date(first_start.year - age, first_start.month, min(first_start.day, 28))
    return anniversary - timedelta(days=rng.randint(30, 300))


def participants(seed: int = 2009) -> list[Participant]:
    """The 133 participants with the published genders, ages, referrers and exits."""
    rng = random.Random(seed)
    count = WOMEN + MEN
    genders = ["K"] * WOMEN + ["M"] * MEN
    referrers = [group for group, persons in REFERRER_GROUPS for _ in range(persons)]
    exits = [label for label, persons in EXIT_CATEGORIES.items() for _ in range(persons)]
    rng.shuffle(genders)
    rng.shuffle(referrers)
    rng.shuffle(exits)
    people = []
    for index, age in enumerate(_ages(rng, count)):
        start = date(2007, 10, 20) + timedelta(days=rng.randint(0, 520))
        end = min(start + timedelta(days=rng.randint(45, 420)), PARTICIPANTS_TO)
        birth = _birth_date(rng, start, age)
        people.append(
            Participant(
                personnummer=samordningsnummer(birth, index, genders[index]),
                gender=genders[index],
                age=age,
                referrers=referrers[index],
                start=start,
                end=end,
                exit_category=exits[index],
            )
        )
    return people


REGISTER_HEADER = [
    "Pnr",
    "Kön",
    "Remittent",
    "Remissdatum",
    "Start",
    "Slut",
    "Orsak avslut",
    "Försörjning start",
    "Försörjning slut",
    "Kartlagd",
    "Handledare",
]


def _register_rows(people: list[Participant], rng: random.Random) -> list[list]:
    """One row per referring agency; a person's rows overlap in time (one episode)."""
    rows = []
    for person in people:
        income = rng.choice(INCOME_LABELS)
        for offset, referrer in enumerate(person.referrers):
            start = person.start + timedelta(days=offset * rng.randint(3, 10))
            rows.append(
                [
                    person.personnummer,
                    person.gender,
                    referrer,
                    start - timedelta(days=rng.randint(3, 19)),
                    start,
                    person.end,
                    person.exit_category,
                    income,
                    rng.choice(INCOME_LABELS),
                    start + timedelta(days=rng.randint(5, 25)),
                    rng.choice(["ANKA01", "BOSV02"]),
                ]
            )
    return rows


def _month_ends(year: int) -> list[date]:
    months = [month for month in range(1, 13) if PERIOD_FROM <= date(year, month, 28) <= COSTS_TO]
    return [date(year, month, 25) for month in months]


def _ledger_rows(rng: random.Random) -> list[list]:
    """Monthly bookings per account summing exactly to the published costs, plus a booking
    and its reversal, and another project's costs that must not count."""
    rows: list[list] = []
    for cost_line, per_year in COSTS.items():
        for year, total in per_year.items():
            days = _month_ends(year)
            weights = [rng.randint(80, 120) for _ in days]
            for day, month_total in zip(
                days, split_amount(Decimal(total), len(days), weights), strict=True
            ):
                accounts = ACCOUNTS[cost_line]
                shares = split_amount(month_total, len(accounts), [w for _, w in accounts])
                for (account, _), amount in zip(accounts, shares, strict=True):
                    rows.append([day, account, PROJECT, amount, f"{cost_line} {day:%Y-%m}"])
    rows.append([date(2008, 5, 12), "6550", PROJECT, Decimal("12500.00"), "Konsult, felbokad"])
    rows.append([date(2008, 5, 19), "6550", PROJECT, Decimal("-12500.00"), "Rättelse"])
    rows.append([date(2008, 6, 25), "5011", OTHER_PROJECT, Decimal("48200.00"), "Annat projekt"])
    rows.sort(key=lambda row: row[0])
    return [
        [f"V{row[0]:%Y}-{number:05d}", f"{row[0]:%Y-%m-%d}", row[1], "41", row[2]]
        + [swedish_amount(row[3]), row[4]]
        for number, row in enumerate(rows, start=1)
    ]


def _budget_sheets(year: int) -> dict:
    budget = [[INSATS, PROJECT, line, amount] for line, amount in BUDGET[year].items()]
    funding = [[INSATS, party, share] for party, share in FUNDING]
    return {
        "Budget": (["Insats", "Projekt", "Kostnadsslag", "Budget"], budget),
        "Finansiering": (["Insats", "Part", "Andel"], funding),
    }


def config() -> dict:
    """The insats configuration, with the evaluation's hand-published cost figures."""
    stated = [
        ("participants", 133),
        ("cost", STATED_TOTAL_COST),
        ("cost_per_participant", STATED_COST_PER_PARTICIPANT),
    ]
    return {
        "forbund": "Samordningsförbundet Sörmland (syntetiskt referensfall)",
        "units": {UNIT: {"municipality_code": "0482", "municipality_name": "Flen"}},
        "defaults": {"goal_reasons": ["Arbete", "Studier"], "dropout_reasons": ["Avbrott"]},
        "insatser": {
            INSATS: {
                "goal_reasons": ["Arbete", "Studier"],
                "trial_days": 0,
                "esf_project": None,
                "projekt": PROJECT,
            }
        },
        "stated_figures": [
            {
                "insats": INSATS,
                "unit": None,
                "figure": figure,
                "period_from": PERIOD_FROM,
                "period_to": COSTS_TO,
                "stated_value": value,
                "source": "Utvärdering av Duellen 2009",
            }
            for figure, value in stated
        ],
    }


def write_sources(landing: Path, seed: int = 2009) -> list[Participant]:
    """The files the team and the municipality deliver: register, ledger, budgets, prognosis."""
    rng = random.Random(seed + 1)
    make_landing(landing)
    people = participants(seed)
    write_workbook(
        landing / "arende" / REGISTER_FILE,
        {"Deltagare": (REGISTER_HEADER, _register_rows(people, rng))},
    )
    write_delimited(
        landing / "ekonomi" / LEDGER_FILE,
        ["Verifikation", "Bokföringsdatum", "Konto", "Ansvar", "Projekt", "Belopp", "Text"],
        _ledger_rows(rng),
    )
    for year in BUDGET:
        write_workbook(landing / "ekonomi" / f"budget_{year}.xlsx", _budget_sheets(year))
    forecast = [[INSATS, PROJECT, line, amount] for line, amount in FORECAST_2009.items()]
    write_workbook(
        landing / "ekonomi" / f"prognos_{PROGNOSIS_DATE:%Y%m%d}.xlsx",
        {"Prognos": (["Insats", "Projekt", "Kostnadsslag", "Helårsprognos"], forecast)},
    )
    return people
