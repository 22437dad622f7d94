"""The worklist export: per unit and caseworker, oldest first, CSV or Excel, no personnummer."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from expectations.runner import run_suites
from expectations.store import WORKLIST_SQL, write_outcomes
from pipelines.settings import Settings
from tests.quality.conftest import Build, quality_run
from tests.spreadsheet_payloads import PAYLOADS, inert, read_csv, workbook_texts

ROOT = Path(__file__).parents[2]
PERSONNUMMER = re.compile(r"\d{6,8}[-+]?\d{4}")
PLANTS = [
    "update raw.case_enrolments set education_level = 'Uppgift saknas' where case_id = 'C01'",
    "update raw.case_enrolments set mental_health = '' where case_id in ('C01', 'C03')",
    "update raw.case_enrolments set age_at_enrolment = 70 where case_id = 'C05'",
    "update raw.case_enrolments set assessment_date = null where case_id = 'C07'",
]


@pytest.fixture
def published(finsam_env: Settings, build: Build) -> Settings:
    """A warehouse published from a work DB with four planted problems."""
    work = build(raw=PLANTS, work_db=finsam_env.work_db)
    with duckdb.connect(str(work)) as con:
        write_outcomes(con, run_suites(con, quality_run(con)))
    shutil.copyfile(work, finsam_env.warehouse)
    return finsam_env


def _export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "expectations.worklist", *args],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_csv_for_one_caseworker_oldest_first(published: Settings, tmp_path: Path) -> None:
    out = tmp_path / "lista.csv"
    done = _export(
        "--unit", "Hässleholm", "--caseworker", "ANLA01", "--format", "csv", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
    assert [(row["ÄrendeID"], row["Fält"]) for row in rows] == [
        ("C01", "Utbildningsnivå"),  # education_level before mental_health
        ("C01", "Psykisk ohälsa"),
    ]
    assert {row["Sedan"] for row in rows} == {"2026-02-19"}  # enrolment + 30 grace days
    assert {row["Handläggare"] for row in rows} == {"ANLA01"}
    assert not PERSONNUMMER.search(text)


def test_xlsx_for_a_unit_has_every_caseworker(published: Settings, tmp_path: Path) -> None:
    out = tmp_path / "lista.xlsx"
    done = _export("--unit", "Hässleholm", "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Arbetslista").to_python()
    header, *rows = sheet
    assert header[:3] == ["Enhet", "Handläggare", "ÄrendeID"]
    assert [(row[1], row[2]) for row in rows] == [
        ("ANLA01", "C01"),
        ("ANLA01", "C01"),
        ("BESV02", "C03"),
        ("BESV02", "C07"),
    ]
    days = header.index("Dagar")
    assert rows[2][days] > rows[3][days]


def test_missing_warehouse_is_a_clear_error(finsam_env: Settings, tmp_path: Path) -> None:
    done = _export("--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert done.returncode == 2
    assert str(finsam_env.warehouse) in done.stderr


@pytest.fixture
def planted_payloads(published: Settings) -> Settings:
    """One finding per OWASP payload, planted as Enhet and Handläggare; day counts negative."""
    with duckdb.connect(str(published.warehouse)) as con:
        for number, payload in enumerate(PAYLOADS, start=1):
            con.execute(
                "insert into quality.quality_findings select * replace "
                "(? as unit, ? as caseworker, ? as case_id, ? as days_open) "
                "from quality.quality_findings where case_id = 'C01' limit 1",
                [payload, payload, f"X{number:02d}", -number],
            )
        con.execute(WORKLIST_SQL)  # the worklist is written with the findings
    return published


def test_csv_neutralises_formulas_and_keeps_numbers(
    planted_payloads: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "lista.csv"
    done = _export("--format", "csv", "--out", str(out))
    assert done.returncode == 0, done.stderr
    header, *rows = read_csv(out.read_bytes(), ";")
    assert {len(row) for row in rows} == {len(header)}, "a carriage return split a row"
    planted = {row[header.index("ÄrendeID")]: row for row in rows}
    for number, payload in enumerate(PAYLOADS, start=1):
        row = planted[f"X{number:02d}"]
        assert row[header.index("Enhet")] == inert(payload)
        assert row[header.index("Handläggare")] == inert(payload)
        assert int(row[header.index("Dagar")]) == -number  # a negative number, untouched


def test_xlsx_has_no_formulas_and_keeps_numbers(planted_payloads: Settings, tmp_path: Path) -> None:
    out = tmp_path / "lista.xlsx"
    done = _export("--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    workbook = openpyxl.load_workbook(out)
    assert {inert(payload) for payload in PAYLOADS} <= workbook_texts(workbook)
    sheet = workbook["Arbetslista"]
    header = [cell.value for cell in sheet[1]]
    days = {
        row[header.index("ÄrendeID")].value: row[header.index("Dagar")]
        for row in sheet.iter_rows(min_row=2)
    }
    assert days["X03"].data_type == "n"
    assert days["X03"].value == -3


def test_summary_counts_the_worklist(published: Settings) -> None:
    """The overview the Datakvalitet page reads is the worklist counted, in both scopes."""
    grouping = "insats, unit, caseworker, field, is_fixable"
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        counted = con.execute(
            f"select {grouping}, count(*), count(*) filter (where case_status = 'aktivt'), "
            "min(since_date), max(days_open) from marts.steward_worklist group by all "
            "order by all"
        ).fetchall()
        summary = con.execute(
            f"select {grouping}, findings, findings_on_active_cases, oldest_since_date, "
            "max_days_open from marts.steward_worklist_summary order by all"
        ).fetchall()
    assert len(counted) >= 3, "the planted problems are on several cases"
    assert summary == counted


def test_a_worklist_view_of_an_older_installation_becomes_a_table(
    finsam_env: Settings, build: Build
) -> None:
    work = build(raw=PLANTS, work_db=finsam_env.work_db)
    with duckdb.connect(str(work)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create or replace view marts.steward_worklist as select 1 as unit")
        write_outcomes(con, run_suites(con, quality_run(con)))
        [(kind,)] = con.execute(
            "select table_type from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'steward_worklist'"
        ).fetchall()
        [(findings,)] = con.execute("select count(*) from marts.steward_worklist").fetchall()
    assert kind == "BASE TABLE"
    assert findings >= 4
