"""Reference case 2, Samverkan utan gränser in Hässleholm and Kristianstad (reference-cases.md),
rebuilt as the ESF participant reports to SCB of its two sites (kind C) and the Hässleholm
case-system export (kind A), plus the insats configuration with its hand-published figures.

The published reconciliation (16 of the 231 case-system persons never reported to SCB,
8 persons reported by Hässleholm absent from the case system) together with 218 persons in
Hässleholm's SCB report forces 5 case-system persons to be reported under Kristianstad's
project: persons are matched across the whole insats, not within one project.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from tests.ingest.fixtures import GWA_HEADER
from tests.reference.source_files import (
    make_landing,
    samordningsnummer,
    short_form,
    write_delimited,
)

INSATS = "Samverkan utan gränser"
PROJECT_HASSLEHOLM = "2012-3010201"
PROJECT_KRISTIANSTAD = "2012-3010202"
PERIOD_FROM = date(2012, 9, 1)
PERIOD_TO = date(2014, 6, 30)
EXTRACTION = date(2014, 8, 15)
GWA_FILE = f"gwa_hassleholm_{EXTRACTION:%Y%m%d}.csv"

# Enrolment length per band in days, clear of every band boundary.
BAND_DAYS = {"<3": (20, 58), "3-6": (100, 170), "7-12": (225, 330), ">12": (410, 600)}

# Hässleholm (216): (gender, band, work-or-studies, persons) fixed by the published
# breakdowns by gender, cohort > 3 months and time enrolled.
HASSLEHOLM_GROUPS = [
    ("M", "<3", True, 3),
    ("K", "<3", True, 2),
    ("M", "3-6", True, 11),
    ("K", "3-6", True, 5),
    ("M", "7-12", True, 7),
    ("K", "7-12", True, 3),
    ("M", ">12", True, 1),
    ("K", ">12", True, 1),
    ("M", "<3", False, 34),
    ("K", "<3", False, 33),
    ("M", "3-6", False, 18),
    ("K", "3-6", False, 24),
    ("M", "7-12", False, 17),
    ("K", "7-12", False, 23),
    ("M", ">12", False, 17),
    ("K", ">12", False, 17),
]
# Kristianstad (142): 51 men (13 to work or studies), 91 women (16); 102 enrolled > 3 months.
KRISTIANSTAD_BANDS = {
    True: {"<3": 6, "3-6": 12, "7-12": 9, ">12": 2},
    False: {"<3": 34, "3-6": 40, "7-12": 30, ">12": 9},
}
KRISTIANSTAD_GENDERS = {True: {"M": 13, "K": 16}, False: {"M": 38, "K": 75}}
# Exit codes per site: work-or-studies codes (1, 2) and the others (3, 4, 5).
EXIT_CODES = {
    "Hässleholm": {True: {1: 31, 2: 2}, False: {3: 105, 4: 0, 5: 78}},
    "Kristianstad": {True: {1: 23, 2: 6}, False: {3: 61, 4: 5, 5: 47}},
}
SECOND_REASONS = {"Hässleholm": 12, "Kristianstad": 9}

CASE_SYSTEM_PERSONS = 231
NOT_IN_CASE_SYSTEM = 8
CASE_SYSTEM_IN_KRISTIANSTAD_REPORT = 5
NOT_REPORTED_TO_SCB = 16
EDUCATION_MISSING = 53
NORDIC_BORN = 141
WORK_EXPERIENCE_MISSING = 48

PUBLISHED = {
    "participants": {"Alla enheter": 360, "Hässleholm": 216, "Kristianstad": 142},
    "exit_codes": {
        "Alla enheter": {1: 54, 2: 8, 3: 166, 4: 5, 5: 127},
        "Hässleholm": {1: 31, 2: 2, 3: 105, 4: 0, 5: 78},
        "Kristianstad": {1: 23, 2: 6, 3: 61, 4: 5, 5: 47},
    },
    "work_or_studies_by_gender": {
        ("Hässleholm", "M"): (22, 108),
        ("Hässleholm", "K"): (11, 108),
        ("Kristianstad", "M"): (13, 51),
        ("Kristianstad", "K"): (16, 91),
    },
    "cohort_over_3_months": {"Hässleholm": 144, "Kristianstad": 102},
    "cohort_work_or_studies_by_gender": {"M": (19, 71), "K": (9, 73)},
    "work_or_studies_by_band_hassleholm": {"<3": 5, "3-6": 16, "7-12": 10, ">12": 2},
    "over_12_months_hassleholm": (36, 2),
}
STATED_KRISTIANSTAD_COHORT = 101


@dataclass(frozen=True)
class Person:
    """A person reported to SCB, or (index 400 and up) one only in the case system."""

    index: int
    site: str  # Hässleholm, Kristianstad or both
    gender: str
    band: str
    exit_code: int
    second_code: int | None = None
    start: date = PERIOD_FROM
    end: date = PERIOD_TO
    birth: date = date(1980, 1, 1)

    @property
    def personnummer(self) -> str:
        return samordningsnummer(self.birth, self.index, self.gender)


def _with_codes(rng: random.Random, specs: list[tuple[str, str, bool]], site: str) -> list:
    """Assign the site's published exit codes to (gender, band, work-or-studies) specs."""
    pools = {
        flag: [code for code, n in EXIT_CODES[site][flag].items() for _ in range(n)]
        for flag in (True, False)
    }
    for pool in pools.values():
        rng.shuffle(pool)
    # Of the Hässleholm participants enrolled over 12 months, those in work reached work.
    pools[True].sort(key=lambda code: code == 2)
    ordered = sorted(specs, key=lambda spec: spec[1] != ">12")
    return [(gender, band, pools[flag].pop(0), site) for gender, band, flag in ordered]


def _hassleholm_specs() -> list[tuple[str, str, bool]]:
    return [(g, band, flag) for g, band, flag, n in HASSLEHOLM_GROUPS for _ in range(n)]


def _kristianstad_specs(rng: random.Random) -> list[tuple[str, str, bool]]:
    specs = []
    for flag, bands in KRISTIANSTAD_BANDS.items():
        genders = [g for g, n in KRISTIANSTAD_GENDERS[flag].items() for _ in range(n)]
        rng.shuffle(genders)
        band_list = [band for band, n in bands.items() for _ in range(n)]
        specs += [(g, band, flag) for g, band in zip(genders, band_list, strict=True)]
    return specs


def _dated(rng: random.Random, person: Person) -> Person:
    low, high = BAND_DAYS[person.band]
    days = rng.randint(low, high)
    start = PERIOD_FROM + timedelta(days=rng.randint(0, (PERIOD_TO - PERIOD_FROM).days - days))
    age = rng.randint(18, 63)
    birth = date(start.year - age, rng.randint(1, 12), rng.randint(1, 28))
    return replace(person, start=start, end=start + timedelta(days=days), birth=birth)


def _with_second_reasons(rng: random.Random, people: list[Person]) -> list[Person]:
    """21 persons get a second exit reason, 3 or 5, different from their first."""
    chosen: set[int] = set()
    for site, count in SECOND_REASONS.items():
        candidates = [p.index for p in people if p.site == site]
        chosen |= set(rng.sample(candidates, count))
    return [
        replace(p, second_code=5 if p.exit_code == 3 else 3) if p.index in chosen else p
        for p in people
    ]


def scb_persons(seed: int = 2014) -> list[Person]:
    """The 360 persons reported to SCB, with the published codes, genders and lengths."""
    rng = random.Random(seed)
    specs = _with_codes(rng, _hassleholm_specs(), "Hässleholm")
    specs += _with_codes(rng, _kristianstad_specs(rng), "Kristianstad")
    specs += [("M", "3-6", 5, "both"), ("K", "3-6", 5, "both")]
    people = [
        _dated(rng, Person(index, site, gender, band, code))
        for index, (gender, band, code, site) in enumerate(specs)
    ]
    return _with_second_reasons(rng, people)


ESF_HEADER = [
    "Projektnummer",
    "Personnummer",
    "Kon",
    "Startdatum",
    "Slutdatum",
    "Status_start",
    "Utbildning",
    "Avslutningsorsak",
    "Avslutningsorsak2",
    "Deltagartimmar",
]


def _esf_row(rng: random.Random, project: str, person: Person) -> list:
    hours = rng.randint(10, 400)
    return [
        project,
        short_form(person.personnummer),
        1 if person.gender == "M" else 2,
        f"{person.start:%Y%m%d}",
        f"{person.end:%Y%m%d}",
        rng.choice([2, 3, 3, 5]),
        rng.choice([1, 2, 2, 3, 9]),
        person.exit_code,
        person.second_code,
        f"{hours},5" if hours % 3 == 0 else hours,
    ]


def _esf_reports(rng: random.Random, people: list[Person]) -> dict[str, list[list]]:
    sites = {PROJECT_HASSLEHOLM: "Hässleholm", PROJECT_KRISTIANSTAD: "Kristianstad"}
    return {
        project: [_esf_row(rng, project, p) for p in people if p.site in (site, "both")]
        for project, site in sites.items()
    }


def case_system_persons(rng: random.Random, people: list[Person]) -> list[Person]:
    """The 231 persons of the Hässleholm case system: 210 of Hässleholm's 218 SCB persons,
    5 reported under Kristianstad's project and 16 never reported to SCB."""
    reported_here = [p for p in people if p.site in ("Hässleholm", "both")]
    missing = {p.index for p in rng.sample([p for p in reported_here if p.site != "both"], 8)}
    kristianstad = [p for p in people if p.site == "Kristianstad"]
    elsewhere = rng.sample(kristianstad, CASE_SYSTEM_IN_KRISTIANSTAD_REPORT)
    unreported = [
        _dated(rng, Person(400 + n, "Hässleholm", rng.choice("KM"), rng.choice(["3-6", "7-12"]), 3))
        for n in range(NOT_REPORTED_TO_SCB)
    ]
    return [p for p in reported_here if p.index not in missing] + elsewhere + unreported


OTHER_EXITS = [
    "Annan arbetslivsinriktad rehabilitering",
    "Medicinsk rehabilitering",
    "Sjukersättning",
    "Föräldraledighet",
    "Flytt",
    "Annat",
]
INCOME = ["Försörjningsstöd", "Sjukpenning", "Aktivitetsersättning", "Arbetslöshetsersättning"]
REFERRERS = ["Arbetsförmedlingen", "Försäkringskassan", "Socialtjänst", "Region"]


def _kartlaggning(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(education, birth region, work experience) with the published gaps: education
    missing for 53, work experience missing for 48 of the 141 born in the Nordic countries."""
    education = ["", "Uppgift saknas"] * (EDUCATION_MISSING // 2) + ["Uppgift saknas"]
    education += [
        rng.choice(["Förgymnasial", "Gymnasial", "Eftergymnasial", "Saknar utbildning"])
        for _ in range(count - EDUCATION_MISSING)
    ]
    experience = ["Saknas", "Under 2 år", "2-5 år", "Över 5 år"]
    nordic = ["Sverige"] * 130 + ["Norden utom Sverige"] * (NORDIC_BORN - 130)
    regions = [
        (
            r,
            rng.choice(["", "Uppgift saknas"])
            if n < WORK_EXPERIENCE_MISSING
            else rng.choice(experience),
        )
        for n, r in enumerate(nordic)
    ]
    regions += [
        (rng.choice(["Europa utom Norden", "Utom Europa"]), rng.choice(experience))
        for _ in range(count - NORDIC_BORN)
    ]
    rng.shuffle(education)
    rng.shuffle(regions)
    return [(edu, region, work) for edu, (region, work) in zip(education, regions, strict=True)]


def _exit_fields(rng: random.Random, code: int) -> tuple[str, str, int]:
    """Case-system exit reason, occupation and its extent for an SCB exit code."""
    if code == 1:
        return "Arbete", rng.choice(["Arbete osubventionerat", "Arbete subventionerat"]), 100
    if code == 2:
        return "Studier", "Studier", 100
    occupation = rng.choice(["Arbetssökande", "Annan insats", "Ingen sysselsättning", "Okänd"])
    return ("Annat" if code in (4, 5) else rng.choice(OTHER_EXITS)), occupation, 0


def _gwa_rows(rng: random.Random, persons: list[Person]) -> list[list]:
    rows = []
    fields = _kartlaggning(rng, len(persons))
    for number, (person, (education, region, experience)) in enumerate(
        zip(persons, fields, strict=True), 1
    ):
        reason, occupation, extent = _exit_fields(rng, person.exit_code)
        rows.append(
            [
                f"HLM-{number:05d}",
                person.personnummer,
                "N",
                INSATS,
                "Hässleholm",
                rng.choice(["ANLA01", "BEJO02", "CEKA03"]),
                rng.choice(REFERRERS),
                person.start - timedelta(days=rng.randint(5, 30)),
                person.start,
                person.end,
                reason,
                rng.choice(INCOME),
                rng.choice([50, 75, 100]),
                rng.choice(INCOME + ["Lön", "Studiemedel"]),
                occupation,
                extent,
                person.start + timedelta(days=rng.randint(5, 25)),
                education,
                region,
                experience,
                rng.randint(0, 10),
                rng.choice(["Ja", "Nej"]),
                rng.choice(["Ja", "Nej"]),
                rng.choice(["Ja", "Nej"]),
                rng.choice(["Full", "Delvis", "Ingen"]),
                rng.randint(20, 500),
            ]
        )
    return rows


def config() -> dict:
    """The insats configuration: both ESF projects mapped to their sites, and the
    cohort sizes the evaluation published (Kristianstad's 101 disagrees with its codes)."""
    stated = [
        ("Hässleholm", "esf_cohort_over_3_months", 144),
        ("Kristianstad", "esf_cohort_over_3_months", STATED_KRISTIANSTAD_COHORT),
        (None, "esf_participants", 360),
    ]
    return {
        "forbund": "Samordningsförbundet Skåne Nordost (syntetiskt referensfall)",
        "units": {
            "Hässleholm": {"municipality_code": "1293", "municipality_name": "Hässleholm"},
            "Kristianstad": {"municipality_code": "1290", "municipality_name": "Kristianstad"},
        },
        "defaults": {"goal_reasons": ["Arbete", "Studier"], "dropout_reasons": ["Avbrott"]},
        "insatser": {
            INSATS: {
                "goal_reasons": ["Arbete", "Studier"],
                "trial_days": 0,
                "esf_project": {
                    PROJECT_HASSLEHOLM: "Hässleholm",
                    PROJECT_KRISTIANSTAD: "Kristianstad",
                },
                "projekt": None,
            }
        },
        "stated_figures": [
            {
                "insats": INSATS,
                "unit": unit,
                "figure": figure,
                "period_from": PERIOD_FROM,
                "period_to": PERIOD_TO,
                "stated_value": value,
                "source": "Utvärdering Samverkan utan gränser 2014",
            }
            for unit, figure, value in stated
        ],
        "quality": {"scb_reconciliation_tolerance": 0.05},
    }


def write_sources(landing: Path, seed: int = 2014) -> list[Person]:
    """The files the two sites deliver: their ESF reports and Hässleholm's case system."""
    rng = random.Random(seed + 1)
    make_landing(landing)
    people = scb_persons(seed)
    for project, rows in _esf_reports(rng, people).items():
        path = landing / "scb" / f"esf_{project}_{EXTRACTION:%Y%m%d}.txt"
        write_delimited(path, ESF_HEADER, rows)
    write_delimited(
        landing / "arende" / GWA_FILE,
        GWA_HEADER,
        _gwa_rows(rng, case_system_persons(rng, people)),
        encoding="utf-8-sig",
    )
    return people
