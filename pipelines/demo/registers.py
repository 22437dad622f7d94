"""Kind B: small teams' Excel registers, ``arende/register_<org>_<YYYYMMDD>.xlsx``.

Sheet ``Deltagare``, one row per enrolment, the team's own headings and labels for exit
reason, income source and referrer (calibration.yml ``register_labels``). There is no
ÄrendeID column: teams identify rows by person and dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines.demo.calibration import load_calibration
from pipelines.demo.case_system import PERSONNUMMER_SQL
from pipelines.demo.defects import DATE_FIELDS
from pipelines.demo.snapshots import delivery_counts, state_sql
from pipelines.demo.xlsx_output import write_workbook

SHEET = "Deltagare"
HEADINGS = {  # register heading -> SQL over the snapshot state
    "Pnr": PERSONNUMMER_SQL,
    "Kön": "case when is_man then 'M' else 'K' end",
    "Skyddad identitet": "case when is_protected then 'J' else 'N' end",
    "Insats": "insats::varchar",
    "Enhet": "unit::varchar",
    "Handläggare": "caseworker::varchar",
    "Remittent": "referrer::varchar",
    "Remissdatum": "s_referral_date",
    "Start": "s_enrolment_date",
    "Slut": "s_exit_date",
    "Orsak avslut": "s_exit_reason",
    "Försörjning start": (
        "case when s_enrolment_date is not null then income_at_enrolment::varchar end"
    ),
    "Försörjning slut": "s_income_at_exit::varchar",
    "Sysselsättning slut": "s_occupation_at_exit::varchar",
    "Kartlagd": "s_assessment_date",
    "Utbildning": "s_education_level::varchar",
    "Födelseregion": "s_birth_region::varchar",
    "Arbetslivserfarenhet": "s_work_experience::varchar",
    "År i offentlig försörjning": "s_years_on_public_support",
    "Fysisk ohälsa": "s_physical_health::varchar",
    "Psykisk ohälsa": "s_mental_health::varchar",
    "Språkstöd": "s_language_support_need::varchar",
    "Arbetsförmåga": "s_work_capacity::varchar",
    "Närvarotimmar": "s_attended_hours",
}
DATE_HEADINGS = {"referral_date": "Remissdatum", "assessment_date": "Kartlagd", "exit_date": "Slut"}
LABEL_HEADINGS = {
    "avslutsorsak": ["Orsak avslut"],
    "forsorjning": ["Försörjning start", "Försörjning slut"],
    "remittent": ["Remittent"],
}


def write_registers(
    con: duckdb.DuckDBPyConnection, landing: Path, end: date
) -> list[dict[str, Any]]:
    """Every register delivery; returns manifest entries (headings and labels included)."""
    cal = load_calibration()
    entries = []
    for organisation, spec in cal["registers"].items():
        for snapshot in spec["snapshots"]:
            as_of = end - timedelta(days=snapshot["days_before_end"])
            path = landing / "arende" / f"register_{organisation}_{as_of:%Y%m%d}.xlsx"
            write_workbook(path, {SHEET: register_rows(con, organisation, as_of)}, as_of)
            entries.append(
                {
                    "file": f"arende/{path.name}",
                    "source_kind": "register",
                    "organisation": organisation,
                    "extraction_date": as_of.isoformat(),
                    "sheet": SHEET,
                    "is_current": snapshot is spec["snapshots"][-1],
                    **delivery_counts(con, organisation, as_of),
                }
            )
    return entries


def register_rows(con: duckdb.DuckDBPyConnection, organisation: str, as_of: date) -> pd.DataFrame:
    """The register as the team keeps it: own labels, dates, impossible dates as text."""
    select = ", ".join(f'{sql} as "{heading}"' for heading, sql in HEADINGS.items())
    frame = con.sql(
        f"select {select}, impossible_field::varchar as impossible_field "
        f"from ({state_sql(organisation, as_of)}) order by referral_date, person"
    ).df()
    for code_list, headings in LABEL_HEADINGS.items():
        for heading in headings:
            frame[heading] = frame[heading].replace(
                load_calibration()["register_labels"][code_list]
            )
    for field in DATE_FIELDS:
        heading = DATE_HEADINGS[field]
        frame[heading] = frame[heading].astype(object)
        bad = (frame["impossible_field"] == field) & frame[heading].notna()
        frame.loc[bad, heading] = frame.loc[bad, heading].map(lambda day: f"{day:%Y}-02-30")
    return frame.drop(columns="impossible_field")
