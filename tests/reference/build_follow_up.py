"""Reference case 3, follow-up after exit (issue 16): the team Steget vidare in Tyringe
(Hässleholm) and what the paying agencies returned about its participants, as delivered:
the team's case export with the column Samtycke uppföljning (kind A), and the monthly
income-support extracts (kind F) of the municipality (ekonomiskt bistånd), Försäkringskassan
and Skatteverket (wages, not public support).

Every person, month and krona is written out below, so test_follow_up.py can compute the
follow-up figures by hand. A source delivers, for each requested person it knows, every
month from 24 months before the enrolment month to 24 months after the exit month or to
2025-06, the last month the extracts cover: one row per benefit paid, and one empty row
(Belopp 0) in a month with nothing paid. The requested persons it does not know are only
counted, in the trailer line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from pipelines import personnummer
from pipelines.personnummer import Form
from tests.ingest.fixtures import GWA_HEADER
from tests.reference.source_files import (
    make_landing,
    samordningsnummer,
    swedish_amount,
    write_delimited,
)

INSATS = "Steget vidare"
UNIT = "Tyringe"
CASE_EXTRACTION = date(2025, 7, 1)
GWA_FILE = f"gwa_tyringe_{CASE_EXTRACTION:%Y%m%d}.csv"
LAST_COVERED = date(2025, 6, 1)  # the last month every extract covers
MONTHS_REQUESTED = 24  # before the enrolment month and after the exit month

HASSLEHOLM, FK, SKV = "hassleholm", "fk", "skv"


def month(text: str) -> date:
    """The first day of a `YYYY-MM` month."""
    return date(int(text[:4]), int(text[5:7]), 1)


def add_months(first_day: date, months: int) -> date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Payment:
    """What one source paid the person each month from `first` to `last` (`YYYY-MM`)."""

    source: str
    benefit: str
    amount: str
    first: str
    last: str
    extent: int | None = None

    def pays_in(self, first_day: date) -> bool:
        return month(self.first) <= first_day <= month(self.last)


@dataclass(frozen=True)
class Person:
    """A participant of the case export, or (no `enrolled`) a person in no case system."""

    name: str
    index: int
    birth: date
    gender: str
    known_to: tuple[str, ...]
    payments: tuple[Payment, ...] = ()
    enrolled: date | None = None
    exited: date | None = None
    exit_reason: str | None = None
    income_source: str | None = None
    income_extent: int | None = None
    years_on_support: int | None = None
    consent: str = "J"
    requested: tuple[str, str] | None = None  # the months asked for, if not from the case

    @property
    def personnummer(self) -> str:
        """`YYYYMMDD-NNNN`."""
        return samordningsnummer(self.birth, self.index, self.gender)

    def months(self) -> list[date]:
        """The months the sources that know the person deliver."""
        if self.requested:
            first, last = month(self.requested[0]), month(self.requested[1])
        else:
            first = add_months(self.enrolled.replace(day=1), -MONTHS_REQUESTED)
            last = min(add_months(self.exited.replace(day=1), MONTHS_REQUESTED), LAST_COVERED)
        count = (last.year - first.year) * 12 + last.month - first.month + 1
        return [add_months(first, n) for n in range(count)]


def _fs(amount: str, first: str, last: str) -> Payment:
    return Payment(HASSLEHOLM, "Försörjningsstöd", amount, first, last)


def _wages(amount: str, first: str, last: str) -> Payment:
    return Payment(SKV, "Lön", amount, first, last)


# The persons, with every payment of the three sources (months inclusive).
HANS = Person(
    "Hans",
    601,
    date(1979, 2, 11),
    "M",
    known_to=(HASSLEHOLM, FK),
    payments=(
        _fs("6412.40", "2021-01", "2024-03"),
        _fs("2103.17", "2024-04", "2024-04"),  # month 12 after exit: less bistånd ...
        Payment(FK, "Sjukpenning", "4517.80", "2024-04", "2024-04", 25),  # ... sjukpenning 25 %
        _fs("6412.40", "2024-05", "2025-04"),
    ),
    enrolled=date(2022, 1, 10),
    exited=date(2023, 4, 28),
    exit_reason="Avbrott",
    income_source="Försörjningsstöd",
    years_on_support=2,  # the extracts show 12 months: a disagreement of exactly 12
)
ANNA = Person(
    "Anna",
    602,
    date(1988, 6, 3),
    "K",
    known_to=(HASSLEHOLM, SKV),
    payments=(
        _fs("8750.50", "2020-09", "2021-11"),
        _fs("9012.75", "2021-12", "2023-02"),
        _wages("24300.00", "2023-03", "2023-09"),
        _fs("4200.25", "2023-10", "2023-11"),  # back on bistånd in months 8 and 9
        _wages("24300.00", "2023-12", "2025-02"),
    ),
    enrolled=date(2022, 3, 15),
    exited=date(2023, 2, 20),
    exit_reason="Arbete",
    income_source="Försörjningsstöd",
    years_on_support=2,
)
BO = Person(
    "Bo",
    603,
    date(1984, 10, 27),
    "M",
    known_to=(FK, SKV),
    payments=(
        Payment(FK, "Sjukpenning", "14086.00", "2021-09", "2023-11", 100),
        Payment(FK, "Sjukpenning", "7043.00", "2023-12", "2024-06", 50),  # lowered to 50 %
        _wages("15500.00", "2024-07", "2025-03"),
    ),
    enrolled=date(2022, 5, 10),
    exited=date(2023, 3, 31),
    exit_reason="Medicinsk rehabilitering",
    income_source="Sjukpenning",
    income_extent=100,
    years_on_support=1,
)
CIA = Person(
    "Cia",
    604,
    date(2000, 4, 8),
    "K",
    known_to=(FK, SKV),
    payments=(
        Payment(FK, "Aktivitetsersättning", "11237.00", "2022-01", "2023-10", 100),
        _wages("6000.00", "2024-06", "2025-06"),
    ),
    enrolled=date(2022, 9, 1),
    exited=date(2023, 10, 15),
    exit_reason="Studier",
    income_source="Aktivitetsersättning",  # Omfattning left empty in the case export
    years_on_support=3,  # the extracts show 8 months: a disagreement of 16
)
GUN = Person(
    "Gun",
    605,
    date(1995, 12, 19),
    "K",
    known_to=(HASSLEHOLM, SKV),
    payments=(
        _fs("7318.60", "2023-03", "2025-02"),
        _wages("12000.00", "2025-03", "2025-03"),
        _fs("3659.30", "2025-04", "2025-04"),  # back on bistånd in month 2
        _wages("12000.00", "2025-05", "2025-06"),
    ),
    enrolled=date(2024, 3, 1),
    exited=date(2025, 2, 28),
    exit_reason="Arbete",
    income_source="Försörjningsstöd",
    years_on_support=1,
)
# Consented when the list was sent, withdrew it since: N in the current export.
DAN = Person(
    "Dan",
    606,
    date(1990, 8, 14),
    "M",
    known_to=(HASSLEHOLM, SKV),
    payments=(
        _fs("5020.00", "2021-06", "2023-01"),
        _wages("20400.00", "2023-02", "2025-01"),
    ),
    enrolled=date(2022, 2, 1),
    exited=date(2023, 1, 31),
    exit_reason="Arbete",
    income_source="Försörjningsstöd",
    years_on_support=1,
    consent="N",
)
# Never consented (the cell is empty): not asked about.
EVA = Person(
    "Eva",
    607,
    date(1992, 1, 30),
    "K",
    known_to=(),
    enrolled=date(2022, 11, 1),
    exited=date(2023, 6, 30),
    exit_reason="Flytt",
    income_source="Arbetslöshetsersättning",
    years_on_support=0,
    consent="",
)
# Asked about, but in no case system (removed from the export as wrongly entered).
FILIP = Person(
    "Filip",
    608,
    date(1975, 5, 5),
    "M",
    known_to=(FK,),
    payments=(Payment(FK, "Sjukpenning", "12150.00", "2021-01", "2021-06", 100),),
    requested=("2021-01", "2022-12"),
)

PERSONS = (HANS, ANNA, BO, CIA, GUN, DAN, EVA, FILIP)
CASE_PERSONS = (HANS, ANNA, BO, CIA, GUN, DAN, EVA)
REQUESTED = tuple(person for person in PERSONS if person.consent != "")


@dataclass(frozen=True)
class Extract:
    """One source's delivery and how it writes numbers, months and amounts."""

    source: str
    extraction: date
    encoding: str
    form: Form
    month_forms: tuple[str, ...]  # strftime formats, used in turn per person
    thousands: str  # the thousands separator of amounts ('' none)
    nothing_paid: str  # Belopp of a month with nothing paid
    header: tuple[str, ...] = ("Personnummer", "Månad", "Ersättning", "Omfattning", "Belopp")

    @property
    def file_name(self) -> str:
        return f"forsorjning_{self.source}_{self.extraction:%Y%m%d}.csv"

    def amount(self, text: str) -> str:
        return swedish_amount(Decimal(text)).replace(" ", self.thousands)

    def unknown(self) -> int:
        """The requested persons the source does not know (the trailer's count)."""
        return sum(self.source not in person.known_to for person in REQUESTED)


EXTRACTS = (
    Extract(HASSLEHOLM, date(2025, 7, 10), "cp1252", Form.LONG_WITH_DASH, ("%Y-%m",), " ", "0,00"),
    Extract(FK, date(2025, 7, 8), "utf-8-sig", Form.LONG_DIGITS, ("%Y%m",), "", "0"),
    Extract(
        SKV,
        date(2025, 7, 12),
        "cp1252",
        Form.SHORT_WITH_DASH,
        ("%Y%m", "%Y-%m"),
        "\u00a0",
        "0,00",
        header=(" PERSONNUMMER", "månad ", "Ersättning", "Omfattning", "Belopp"),
    ),
)


def _extract_rows(extract: Extract) -> list[list]:
    rows: list[list] = []
    known = [person for person in REQUESTED if extract.source in person.known_to]
    for turn, person in enumerate(known):
        number = personnummer.format_as(person.personnummer.replace("-", ""), extract.form)
        month_form = extract.month_forms[turn % len(extract.month_forms)]
        for first_day in person.months():
            paid = [
                payment
                for payment in person.payments
                if payment.source == extract.source and payment.pays_in(first_day)
            ]
            delivered = f"{first_day:{month_form}}"
            rows += [
                [number, delivered, p.benefit, p.extent, extract.amount(p.amount)] for p in paid
            ] or [[number, delivered, None, None, extract.nothing_paid]]
    return rows + [[f"# Okända personnummer: {extract.unknown()}"]]


CASE_HEADER = [*GWA_HEADER, "Samtycke uppföljning"]
EXIT_STATUS = {
    "Arbete": ("Lön", "Arbete osubventionerat", 100),
    "Studier": ("Studiemedel", "Studier", 100),
    "Avbrott": ("Försörjningsstöd", "Ingen sysselsättning", None),
    "Medicinsk rehabilitering": ("Sjukpenning", "Annan insats", None),
    "Flytt": ("Arbetslöshetsersättning", "Arbetssökande", None),
}


def _case_row(number: int, person: Person) -> list:
    income_at_exit, occupation, occupation_extent = EXIT_STATUS[person.exit_reason]
    return [
        f"TYR-{number:04d}",
        person.personnummer,
        "N",
        INSATS,
        UNIT,
        "MAGU01",
        "Socialtjänst" if person.income_source == "Försörjningsstöd" else "Försäkringskassan",
        person.enrolled - timedelta(days=14),
        person.enrolled,
        person.exited,
        person.exit_reason,
        person.income_source,
        person.income_extent,
        income_at_exit,
        occupation,
        occupation_extent,
        person.enrolled + timedelta(days=20),
        "Gymnasial",
        "Sverige",
        "2-5 år",
        person.years_on_support,
        "Nej",
        "Ja",
        "Nej",
        "Delvis",
        "120",
        person.consent,
    ]


def config() -> dict:
    """The insats configuration: one unit in Hässleholm municipality, no stated figures."""
    return {
        "forbund": "Samordningsförbundet Skåne Nordost (syntetiskt referensfall)",
        "units": {UNIT: {"municipality_code": "1293", "municipality_name": "Hässleholm"}},
        "defaults": {"goal_reasons": ["Arbete", "Studier"], "dropout_reasons": ["Avbrott"]},
        "insatser": {
            INSATS: {
                "goal_reasons": ["Arbete", "Studier"],
                "trial_days": 0,
                "esf_project": None,
                "projekt": None,
            }
        },
        "stated_figures": [],
    }


def write_sources(landing: Path) -> None:
    """The team's case export and the three sources' extracts."""
    make_landing(landing)
    rows = [_case_row(number, person) for number, person in enumerate(CASE_PERSONS, 1)]
    write_delimited(landing / "arende" / GWA_FILE, CASE_HEADER, rows)
    for extract in EXTRACTS:
        write_delimited(
            landing / "register" / extract.file_name,
            extract.header,
            _extract_rows(extract),
            encoding=extract.encoding,
        )
