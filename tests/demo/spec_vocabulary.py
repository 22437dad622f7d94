"""Columns and code lists of /work/shared/source-formats.md (the external contract).

Kept apart from the generator's calibration on purpose: the tests check the generator
against the specification, not against itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

MAPPINGS = Path(__file__).resolve().parents[2] / "pipelines" / "mappings"


def specified_columns(mapping: str) -> list[str]:
    """The headings of a source kind in specification order.

    The ingest's declared mapping lists them as the first alias of each raw column, so the
    contract is written once and the generator is checked against what the ingest reads.
    """
    declared = yaml.safe_load((MAPPINGS / mapping).read_text(encoding="utf-8"))
    return [aliases[0] for aliases in declared["columns"].values()]


GWA_COLUMNS = specified_columns("gwa.yml")
ESF_COLUMNS = specified_columns("esf.yml")
LEDGER_COLUMNS = specified_columns("ledger.yml")

AVSLUTSORSAK = [
    "Arbete",
    "Studier",
    "Annan arbetslivsinriktad rehabilitering",
    "Medicinsk rehabilitering",
    "Sjukersättning",
    "Föräldraledighet",
    "Flytt",
    "Avbrott",
    "Annat",
    "Felregistrering",
]
FORSORJNING = [
    "Försörjningsstöd",
    "Sjukpenning",
    "Sjukersättning",
    "Aktivitetsersättning",
    "Arbetslöshetsersättning",
    "Aktivitetsstöd",
    "Etableringsersättning",
    "Lön",
    "Studiemedel",
    "Ingen offentlig försörjning",
    "Uppgift saknas",
]
REMITTENT = [
    "Arbetsförmedlingen",
    "Försäkringskassan",
    "Socialtjänst",
    "Region",
    "Egen anmälan",
    "Annan",
]
SYSSELSATTNING = [
    "Arbete osubventionerat",
    "Arbete subventionerat",
    "Studier",
    "Arbetssökande",
    "Annan insats",
    "Ingen sysselsättning",
    "Okänd",
]
CODE_LISTS = {
    "Avslutsorsak": AVSLUTSORSAK,
    "Försörjning vid inskrivning": FORSORJNING,
    "Försörjning vid avslut": FORSORJNING,
    "Remitterande aktör": REMITTENT,
    "Sysselsättning vid avslut": SYSSELSATTNING,
    "Utbildningsnivå": [
        "Förgymnasial",
        "Gymnasial",
        "Eftergymnasial",
        "Saknar utbildning",
        "Uppgift saknas",
    ],
    "Födelseregion": [
        "Sverige",
        "Norden utom Sverige",
        "Europa utom Norden",
        "Utom Europa",
        "Uppgift saknas",
    ],
    "Arbetslivserfarenhet": ["Saknas", "Under 2 år", "2-5 år", "Över 5 år", "Uppgift saknas"],
    "Fysisk ohälsa": ["Ja", "Nej", "Ej bedömd"],
    "Psykisk ohälsa": ["Ja", "Nej", "Ej bedömd"],
    "Behov av språkstöd": ["Ja", "Nej", "Ej bedömd"],
    "Arbetsförmåga": ["Full", "Delvis", "Ingen", "Ej bedömd"],
}
KARTLAGGNING = {  # header -> raw column name (ARCHITECTURE.md)
    "Kartläggningsdatum": "assessment_date",
    "Utbildningsnivå": "education_level",
    "Födelseregion": "birth_region",
    "Arbetslivserfarenhet": "work_experience",
    "År i offentlig försörjning": "years_on_public_support",
    "Fysisk ohälsa": "physical_health",
    "Psykisk ohälsa": "mental_health",
    "Behov av språkstöd": "language_support_need",
    "Arbetsförmåga": "work_capacity",
}
MISSING_VALUES = {"", "Uppgift saknas", "Ej bedömd"}
PERSONNUMMER_FORMS = {
    "YYYYMMDD-NNNN": re.compile(r"^\d{8}-\d{4}$"),
    "YYMMDD-NNNN": re.compile(r"^\d{6}-\d{4}$"),
    "YYYYMMDDNNNN": re.compile(r"^\d{12}$"),
    "YYMMDD+NNNN": re.compile(r"^\d{6}\+\d{4}$"),
}
FILE_PATTERNS = {
    "arende": [
        re.compile(r"^gwa_[a-z0-9]+_(\d{8})\.csv$"),
        re.compile(r"^register_[a-z0-9]+_(\d{8})\.xlsx$"),
    ],
    "scb": [
        re.compile(r"^esf_(\d{4}-\d{7})_(\d{8})\.txt$"),
        re.compile(r"^befolkning_(\d{8})\.csv$"),
    ],
    "ekonomi": [
        re.compile(r"^huvudbok_[a-z0-9]+_(\d{8})\.csv$"),
        re.compile(r"^budget_(\d{4})\.xlsx$"),
        re.compile(r"^prognos_(\d{8})\.xlsx$"),
    ],
    "register": [re.compile(r"^forsorjning_[a-z0-9]+_(\d{8})\.csv$")],
}
AGE_BANDS = [
    "16-19 år",
    "20-24 år",
    "25-29 år",
    "30-34 år",
    "35-39 år",
    "40-44 år",
    "45-49 år",
    "50-54 år",
    "55-59 år",
    "60-64 år",
]
CONSENT_COLUMN = "Samtycke uppföljning"  # kind A, newer exports only
CONSENT_VALUES = {"J", "N", ""}
INCOME_SUPPORT_COLUMNS = ["Personnummer", "Månad", "Ersättning", "Omfattning", "Belopp"]
INCOME_SUPPORT_TRAILER = re.compile(r"^# Okända personnummer: (\d+)$")
INCOME_SUPPORT_MONTH_FORMS = {"YYYY-MM": "%Y-%m", "YYYYMM": "%Y%m"}
BENEFIT_EXTENTS = {"25", "50", "75", "100"}
EXTENT_BENEFITS = {"Sjukpenning", "Sjukersättning", "Aktivitetsersättning"}
WAGE_BENEFIT = "Lön"  # the one Ersättning that is not public support
