"""Kind A: GWA-like case-system exports, ``arende/gwa_<org>_<YYYYMMDD>.csv``.

Each delivery is a full snapshot; header spelling and case drift between deliveries, the
organisation's encoding and date form are declared in calibration.yml.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from pipelines.demo.calibration import load_calibration
from pipelines.demo.csv_output import quote_identifier, write_csv
from pipelines.demo.defects import PNR_FORMS
from pipelines.demo.snapshots import delivery_counts, state_sql

_DIGITS = "printed_pnr::varchar"
_FORM_SQL = {  # written form -> SQL over the 12 printed digits
    "YYYYMMDD-NNNN": f"substr({_DIGITS}, 1, 8) || '-' || substr({_DIGITS}, 9)",
    "YYMMDD-NNNN": f"substr({_DIGITS}, 3, 6) || '-' || substr({_DIGITS}, 9)",
    "YYYYMMDDNNNN": _DIGITS,
    "YYMMDD+NNNN": f"substr({_DIGITS}, 3, 6) || '+' || substr({_DIGITS}, 9)",
}
PERSONNUMMER_SQL = (
    "case when is_protected then null else (case pnr_form "
    + " ".join(f"when {PNR_FORMS.index(form)} then {sql}" for form, sql in _FORM_SQL.items())
    + " end) end"
)

HEADER_STYLES: dict[str, Callable[[int, str], str]] = {
    "as_specified": lambda _, header: header,
    "upper": lambda _, header: header.upper(),
    "padded_lower": lambda index, header: f" {header.lower()}" if index % 2 else header.lower(),
}


CONSENT_COLUMN = (
    "case when s_enrolment_date is not null then follow_up_consent end",
    "Samtycke uppföljning",
)


def columns(date_format: str, with_consent: bool = False) -> list[tuple[str, str]]:
    """(SQL over the snapshot state, header as specified) for every kind A column; the
    consent column only in newer exports (it is shown once the person is enrolled)."""
    return [
        ("case_id", "ÄrendeID"),
        (PERSONNUMMER_SQL, "Personnummer"),
        ("case when is_protected then 'J' else 'N' end", "Skyddad identitet"),
        ("insats", "Insats"),
        ("unit", "Enhet"),
        ("caseworker", "Handläggare"),
        ("referrer", "Remitterande aktör"),
        (date_sql("referral_date", date_format), "Remissdatum"),
        (date_sql("enrolment_date", date_format), "Inskrivningsdatum"),
        (date_sql("exit_date", date_format), "Avslutsdatum"),
        ("s_exit_reason", "Avslutsorsak"),
        (
            "case when s_enrolment_date is not null then income_at_enrolment end",
            "Försörjning vid inskrivning",
        ),
        (
            "case when s_enrolment_date is not null then income_extent end",
            "Omfattning försörjning vid inskrivning",
        ),
        ("s_income_at_exit", "Försörjning vid avslut"),
        ("s_occupation_at_exit", "Sysselsättning vid avslut"),
        ("s_occupation_extent", "Omfattning sysselsättning vid avslut"),
        (date_sql("assessment_date", date_format), "Kartläggningsdatum"),
        ("s_education_level", "Utbildningsnivå"),
        ("s_birth_region", "Födelseregion"),
        ("s_work_experience", "Arbetslivserfarenhet"),
        ("s_years_on_public_support", "År i offentlig försörjning"),
        ("s_physical_health", "Fysisk ohälsa"),
        ("s_mental_health", "Psykisk ohälsa"),
        ("s_language_support_need", "Behov av språkstöd"),
        ("s_work_capacity", "Arbetsförmåga"),
        ("replace(s_attended_hours::varchar, '.', ',')", "Närvarotimmar"),
        *([CONSENT_COLUMN] if with_consent else []),
    ]


def date_sql(field: str, date_format: str) -> str:
    """A shown date in the export's form; a planted impossible one becomes e.g. 2023-02-30."""
    impossible = date_format.replace("%m", "02").replace("%d", "30")
    return (
        f"case when impossible_field = '{field}' then strftime(s_{field}, '{impossible}') "
        f"else strftime(s_{field}, '{date_format}') end"
    )


def write_case_system(
    con: duckdb.DuckDBPyConnection, landing: Path, end: date
) -> list[dict[str, Any]]:
    """All kind A deliveries of every organisation; returns their manifest entries."""
    entries = []
    for organisation, spec in load_calibration()["case_systems"].items():
        written = []
        for snapshot in spec["snapshots"]:
            as_of = end - timedelta(days=snapshot["days_before_end"])
            path = landing / "arende" / f"gwa_{organisation}_{as_of:%Y%m%d}.csv"
            style = HEADER_STYLES[snapshot["header_style"]]
            with_consent = snapshot.get("consent_column", False)
            select = ", ".join(
                f"{sql} as {quote_identifier(style(index, header))}"
                for index, (sql, header) in enumerate(columns(spec["date_format"], with_consent))
            )
            sql = f"select {select} from ({state_sql(organisation, as_of)}) order by case_id"
            write_csv(con, sql, path, encoding=spec["encoding"])
            counts = delivery_counts(con, organisation, as_of)
            entry = {
                "file": f"arende/{path.name}",
                "source_kind": "gwa",
                "organisation": organisation,
                "extraction_date": as_of.isoformat(),
                "encoding": spec["encoding"],
                "header_style": snapshot["header_style"],
                "is_current": snapshot is spec["snapshots"][-1],
                "has_consent_column": with_consent,
                **counts,
            }
            if with_consent:
                entry["consent_rows"] = _consent_rows(con, organisation, as_of)
            written.append((path, entry))
            entries.append(entry)
        entries.extend(_duplicate_copy(spec, written))
    return entries


def _consent_rows(con: duckdb.DuckDBPyConnection, organisation: str, as_of: date) -> int:
    """Rows of a delivery whose Samtycke uppföljning is J."""
    shown = "s_enrolment_date is not null and follow_up_consent = 'J'"
    sql = f"select count(*) from ({state_sql(organisation, as_of)}) where {shown}"
    return int(con.execute(sql).fetchall()[0][0])


def _duplicate_copy(
    spec: dict[str, Any], written: list[tuple[Path, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The same delivery sent again the next day, byte for byte (must not double anything)."""
    index = spec.get("duplicate_copy_of_snapshot")
    if index is None:
        return []
    original, entry = written[index]
    day = date.fromisoformat(entry["extraction_date"]) + timedelta(days=1)
    copy = original.with_name(
        original.name.replace(f"{entry['extraction_date'].replace('-', '')}", f"{day:%Y%m%d}")
    )
    shutil.copyfile(original, copy)
    return [
        {
            **entry,
            "file": f"arende/{copy.name}",
            "extraction_date": day.isoformat(),
            "is_current": False,
            "duplicate_of": entry["file"],
        }
    ]
