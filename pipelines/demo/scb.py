"""Kind C: ESF participant reports to SCB (``scb/esf_<projektnummer>_<YYYYMMDD>.txt``).

The SCB report is printed from the same truth as the case system, then made to disagree
the way real ones do: a few persons never reported, a few reported who are absent from
the case system. The manifest records exactly who is where.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipelines.demo.calibration import load_calibration
from pipelines.demo.csv_output import write_csv
from pipelines.demo.draws import days, lognormal_days, planted_rows, weekly_hours
from pipelines.demo.snapshots import state_sql


def esf_projects() -> dict[str, tuple[str, str]]:
    """ESF project number -> (insats, unit)."""
    return {
        project: (insats, unit)
        for insats, spec in load_calibration()["insatser"].items()
        for project, unit in (spec.get("esf_projects") or {}).items()
    }


def scb_rows(rng: np.random.Generator, truth: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Every participation the projects report, as codes, before choosing a delivery date."""
    cal = load_calibration()["scb"]
    parts = []
    for project, (insats, unit) in esf_projects().items():
        rows = truth[
            (truth["insats"] == insats)
            & (truth["unit"] == unit)
            & truth["enrolment_date"].notna()
            & (truth["true_exit_reason"] != "Felregistrering")
        ]
        persons = rows["person"].unique()
        omitted = persons[
            planted_rows(rng, np.ones(len(persons), bool), cal["omitted_from_scb_share"], 1)
        ]
        parts.append(_case_rows(rng, rows[~rows["person"].isin(omitted)], project))
        only_scb = extra[extra["project"] == project]
        parts.append(_only_scb_rows(rng, only_scb, project))
    return pd.concat(parts, ignore_index=True)


def assign_only_scb(
    rng: np.random.Generator, extra: pd.DataFrame, truth: pd.DataFrame
) -> pd.DataFrame:
    """Spread the persons absent from the case system over the ESF projects."""
    projects = esf_projects()
    sizes = np.array(
        [((truth["insats"] == i) & (truth["unit"] == u)).sum() for i, u in projects.values()]
    )
    extra["project"] = rng.choice(list(projects), size=len(extra), p=sizes / sizes.sum())
    return extra


def only_scb_count(participants: int) -> int:
    """How many extra persons to create for SCB-only participations."""
    cal = load_calibration()
    esf_share = sum(spec["share"] for spec in cal["insatser"].values() if spec.get("esf_projects"))
    total_share = sum(spec["share"] for spec in cal["insatser"].values())
    return max(2, round(participants * esf_share / total_share * cal["scb"]["only_in_scb_share"]))


def _codes(labels: pd.Series, mapping: dict[str, int], other: int) -> np.ndarray:
    return labels.astype(object).map(mapping).fillna(other).astype("int64").to_numpy()


def _case_rows(rng: np.random.Generator, rows: pd.DataFrame, project: str) -> pd.DataFrame:
    cal = load_calibration()["scb"]
    reason = _codes(rows["true_exit_reason"], cal["exit_codes"], cal["other_exit_code"])
    return pd.DataFrame(
        {
            "project": project,
            "pnr": pd.array(np.where(rows["is_protected"], np.nan, rows["pnr"]), dtype="Int64"),
            "is_man": rows["is_man"].to_numpy(),
            "start": rows["enrolment_date"].to_numpy(),
            "end": rows["exit_date"].to_numpy(),
            "status": _codes(
                rows["true_income_at_enrolment"], cal["status_start"], cal["other_status_start"]
            ),
            "education": _codes(rows["education_level"], cal["education"], cal["other_education"]),
            "reason": reason,
            "reason2": _second_reasons(rng, len(rows)),
            "weekly_hours": rows["weekly_hours"].to_numpy(),
            "in_case_system": True,
        }
    )


def _only_scb_rows(rng: np.random.Generator, extra: pd.DataFrame, project: str) -> pd.DataFrame:
    spec = load_calibration()["scb"]["only_in_scb"]
    count = len(extra)
    start = extra["start"].to_numpy().astype("datetime64[D]")
    duration = lognormal_days(rng, spec["duration_median_days"], spec["duration_sigma"], count)
    return pd.DataFrame(
        {
            "project": project,
            "pnr": pd.array(extra["pnr"].to_numpy(), dtype="Int64"),
            "is_man": extra["is_man"].to_numpy(),
            "start": start,
            "end": start + days(duration),
            "status": rng.integers(1, 6, count),
            "education": rng.choice([1, 2, 3, 9], count),
            "reason": rng.choice([1, 2, 3, 4, 5], count),
            "reason2": _second_reasons(rng, count),
            "weekly_hours": weekly_hours(rng, spec["weekly_hours"], count),
            "in_case_system": False,
        }
    )


def _second_reasons(rng: np.random.Generator, count: int) -> pd.array:
    cal = load_calibration()["scb"]
    has_second = rng.random(count) < cal["second_reason_share"]
    codes = rng.choice(cal["second_reason_codes"], count)
    return pd.array(np.where(has_second, codes, np.nan), dtype="Int64")


def write_esf_reports(
    con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, landing: Path, end: date
) -> list[dict[str, Any]]:
    """One report per project and delivery date (cp1252, `;`, YYMMDD-NNNN, YYYYMMDD)."""
    con.register("scb_rows", rows)
    entries = []
    for days_before in load_calibration()["scb"]["deliveries_days_before_end"]:
        as_of = end - timedelta(days=days_before)
        for project in esf_projects():
            path = landing / "scb" / f"esf_{project}_{as_of:%Y%m%d}.txt"
            write_csv(con, _report_sql(project, as_of), path, encoding="cp1252")
            entry = {
                "file": f"scb/{path.name}",
                "source_kind": "esf",
                "organisation": project,
                "extraction_date": as_of.isoformat(),
                "encoding": "cp1252",
                "is_current": days_before == 0,
                **_report_counts(con, project, as_of),
            }
            if days_before == 0:
                entry["reconciliation"] = reconciliation(con, project, end)
            entries.append(entry)
    con.unregister("scb_rows")
    return entries


def _visible(project: str, as_of: date) -> str:
    return f"from scb_rows where project = '{project}' and start <= date '{as_of.isoformat()}'"


def _report_sql(project: str, as_of: date) -> str:
    day = f"date '{as_of.isoformat()}'"
    ended = f'"end" <= {day}'
    return f"""
    select project as Projektnummer,
        case when pnr is not null then
            substr(pnr::varchar, 3, 6) || '-' || substr(pnr::varchar, 9) end as Personnummer,
        case when is_man then 1 else 2 end as Kon,
        strftime(start, '%Y%m%d') as Startdatum,
        case when {ended} then strftime("end", '%Y%m%d') end as Slutdatum,
        status as Status_start, education as Utbildning,
        case when {ended} then reason end as Avslutningsorsak,
        case when {ended} then reason2 end as Avslutningsorsak2,
        replace(round(date_diff('day', start::date, least(coalesce("end", {day}), {day})::date)
                      / 7.0 * weekly_hours, 1)::varchar, '.', ',') as Deltagartimmar
    {_visible(project, as_of)}
    order by start, pnr
    """


def _report_counts(con: duckdb.DuckDBPyConnection, project: str, as_of: date) -> dict[str, int]:
    rows, protected, persons = con.execute(
        "select count(*), count(*) filter (pnr is null), count(distinct pnr) "
        + _visible(project, as_of)
    ).fetchall()[0]
    return {"rows": rows, "protected_identity_rows": protected, "persons": persons}


def reconciliation(con: duckdb.DuckDBPyConnection, project: str, end: date) -> dict[str, int]:
    """Persons (not protected) in the current case-system snapshot and SCB report of a project.

    Case side: rows of the ESF insats at the project's unit with an enrolment date and a
    label other than Felregistrering, personnummer as written (all valid in ESF insatser).
    """
    insats, unit = esf_projects()[project]
    organisation = load_calibration()["units"][unit]["organisation"]
    case = f"""select distinct pnr from ({state_sql(organisation, end)})
        where insats = '{insats}' and unit = '{unit}' and not is_protected
          and s_enrolment_date is not null and coalesce(s_exit_reason, '') <> 'Felregistrering'"""
    scb = f"select distinct pnr {_visible(project, end)} and pnr is not null"
    both, only_case, only_scb = con.execute(f"""
        select count(*) filter (c.pnr is not null and s.pnr is not null),
               count(*) filter (s.pnr is null), count(*) filter (c.pnr is null)
        from ({case}) c full join ({scb}) s on c.pnr = s.pnr""").fetchall()[0]
    return {"both": both, "only_case_system": only_case, "only_scb": only_scb}
