"""An auditor's test: samordningsnummer typed into every field of every kind of delivery.

A small demo landing gets one more file of each kind, with a different synthetic
samordningsnummer (in a different form) in every field but the Personnummer column, and
an ÄrendeID that is one. After one real nightly run no form of any of them may be found
anywhere the pipeline writes: any table or view of the work database or the published
warehouse, the Dagster event log and DAGSTER_HOME, dbt's target/ and logs/, the GX Data
Docs, the run's TMPDIR, and every export people get (worklist, reports, dashboard CSV).
Only the landing folder (and its quarantine) may still hold them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dashboards.components import csv_download
from expectations.worklist import main as worklist_main
from pipelines.definitions import defs
from pipelines.defs.dbt.project import DBT_PROJECT_DIR
from pipelines.demo.generate import generate
from pipelines.ingest.mappings import load_mapping, load_register_mapping
from pipelines.ingest.pseudonym import REDACTED
from pipelines.ingest.schema import DATA_TABLES
from pipelines.report.__main__ import main as report_main
from pipelines.settings import Settings
from tests.ingest.fixtures import forms, samordningsnummer, write_csv, write_xlsx
from tests.recovery.runs import dagster_instance

REPO = Path(__file__).resolve().parents[2]
DELIVERED = "20241116"
EARLIER = "20241110"
ORGANISATION = "revision"
ESF_PROJECT = "2019-3010199"
TEMPLATES = ("{}", "Text {} text", "({})", "nr:{}.")
# What a row needs to be loaded; every other field of it, and all of the second row, planted.
LOADABLE = {
    "referral_date": "2024-03-01",
    "start_date": "20240201",
    "booking_date": "2024-11-01",
    "account": "6110",
    "amount": "1 000,00",
    "budget": 1000,
    "share_percent": 50,
    "full_year_forecast": 1000,
}
TABLES = {
    "gwa": "case_enrolments",
    "osby": "case_enrolments",
    "esf": "esf_participants",
    "ledger": "ledger_transactions",
    "budget": "budget_lines",
    "budget_funding": "funding_shares",
    "forecast": "forecast_lines",
}


def _every_form(pnr: str) -> list[str]:
    """The five forms of source-formats.md, and with spaces around the separator."""
    return [*forms(pnr), f"{pnr[2:8]} - {pnr[8:]}", f"{pnr[:8]} - {pnr[8:]}"]


class Planter:
    """Hands out a fresh samordningsnummer per field, each time in the next form."""

    def __init__(self) -> None:
        self.numbers: list[str] = []
        self._serials = count(401)

    def number(self) -> str:
        serial = next(self._serials)
        born = dt.date(1950 + serial % 40, 1 + serial % 12, 1 + serial % 28)
        pnr = samordningsnummer(born, serial, male=serial % 2 == 0)
        self.numbers.append(pnr)
        return pnr

    def __call__(self, template: str | None = None) -> str:
        pnr, index = self.number(), len(self.numbers)
        form = _every_form(pnr)[index % 7]
        return (template or TEMPLATES[index % len(TEMPLATES)]).format(form)

    def pattern(self) -> str:
        """Any planted number in any form: its YYMMDD and NNNN at most three non-digits apart."""
        return "|".join(f"{pnr[2:8]}[^0-9]{{0,3}}{pnr[8:]}" for pnr in self.numbers)


def planted_rows(
    plant: Planter, name: str, subject: str, excel: bool = False, **fixed: str
) -> list[list[object]]:
    """Header (each declared column's first heading), a loadable row with every field but
    the Personnummer planted, and a row planted throughout with no Personnummer (loaded as
    a person who cannot be linked where its required values survive, else rejected). In a
    workbook the number columns get the number as an Excel number."""
    mapping = load_register_mapping(name) if name == "osby" else load_mapping(name)
    types = DATA_TABLES[TABLES[name]]
    numeric = {c for c in mapping.columns if excel and types.get(c, "VARCHAR") != "VARCHAR"}

    def planted(column: str) -> object:
        return int(plant.number()) if column in numeric else plant()

    loaded = {"personnummer": subject, **LOADABLE, **fixed}
    return [
        [aliases[0] for aliases in mapping.columns.values()],
        [loaded[c] if c in loaded else planted(c) for c in mapping.columns],
        ["" if c == "personnummer" else planted(c) for c in mapping.columns],
    ]


def _population(plant: Planter, landing: Path) -> None:
    """The demo's population table again (a much smaller one would be quarantined), later
    and with planted rows appended, in the encoding it came in."""
    latest = max((landing / "scb").glob("befolkning_*.csv"))
    content = latest.read_bytes()
    encoding = "utf-8-sig" if content.startswith(b"\xef\xbb\xbf") else "cp1252"
    rows = [line.split(",") for line in content.decode(encoding).splitlines() if line]
    years = len(rows[0]) - 3
    rows.append([f'"1293 Hässleholm {plant()}"', '"70-74 år"', '"män"', *["1"] * years])
    rows.append(['"1290 Kristianstad"', f'"{plant()}"', f'"{plant()}"', *[plant()] * years])
    write_csv(landing / "scb" / f"befolkning_{DELIVERED}.csv", rows, encoding, ",")


def plant_deliveries(landing: Path) -> Planter:
    """One planted delivery of every kind, plus an earlier one of the same case whose
    ÄrendeID is a personnummer written in another form."""
    plant = Planter()
    subject, case = plant.number(), plant.number()
    arende, scb, ekonomi = landing / "arende", landing / "scb", landing / "ekonomi"
    for date, case_id, encoding in ((EARLIER, case, "cp1252"), (DELIVERED, case[2:], "utf-8-sig")):
        rows = planted_rows(plant, "gwa", subject, case_id=case_id)
        write_csv(arende / f"gwa_{ORGANISATION}_{date}.csv", rows, encoding)
    register = planted_rows(plant, "osby", plant.number(), excel=True)
    write_xlsx(arende / f"register_osby_{DELIVERED}.xlsx", {"Deltagare": register})
    esf = planted_rows(plant, "esf", plant.number())
    write_csv(scb / f"esf_{ESF_PROJECT}_{DELIVERED}.txt", esf)
    _population(plant, landing)
    ledger = planted_rows(plant, "ledger", "")
    write_csv(ekonomi / f"huvudbok_{ORGANISATION}_{DELIVERED}.csv", ledger)
    budget = {
        "Budget": planted_rows(plant, "budget", "", excel=True),
        "Finansiering": planted_rows(plant, "budget_funding", "", excel=True),
    }
    write_xlsx(ekonomi / "budget_2025.xlsx", budget)
    forecast = planted_rows(plant, "forecast", "", excel=True)
    write_xlsx(ekonomi / f"prognos_{DELIVERED}.xlsx", {"Prognos": forecast})
    return plant


@pytest.fixture
def run_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The run's own TMPDIR, so whatever the pipeline leaves there can be read back."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND data_type <> 'BLOB'"
    ).fetchall()


def database_hits(path: Path, pattern: str) -> list[str]:
    """Every table and view column, whatever its type, read as text."""
    hits = []
    with duckdb.connect(str(path), read_only=True) as con:
        columns = _columns(con)
        assert len(columns) > 200, path
        for schema, table, column in columns:
            found = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" '
                f'WHERE regexp_matches("{column}"::VARCHAR, ?)',
                [pattern],
            ).fetchall()[0][0]
            if found:
                hits.append(f"{path.name}: {schema}.{table}.{column}")
    return hits


def _readable_text(path: Path) -> str:
    """A file's bytes decoded leniently; a workbook's (zipped) parts unpacked first, a PDF's
    text as a reader sees it (its streams are compressed)."""
    content = path.read_bytes()
    if content.startswith(b"%PDF"):
        pdf = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        return pdf.stdout.decode("utf-8")
    if zipfile.is_zipfile(io.BytesIO(content)):
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            content = b"".join(workbook.read(name) for name in workbook.namelist())
    return content.decode("latin-1")


def file_hits(folder: Path, pattern: str) -> list[str]:
    """Every file under `folder`, read as text."""
    compiled = re.compile(pattern)
    return [
        str(path)
        for path in folder.rglob("*")
        if path.is_file() and compiled.search(_readable_text(path))
    ]


def write_exports(warehouse: Path, folder: Path) -> Path:
    """Every file written for people: worklist CSV and xlsx, each insats's report in every
    format, and the dashboard's CSV download of the widest tables."""
    folder.mkdir()
    for file_format in ("csv", "xlsx"):
        out = folder / f"arbetslista.{file_format}"
        assert worklist_main(["--all", "--format", file_format, "--out", str(out)]) == 0
    period = ["--from", "2015-01-01", "--to", "2025-12-31"]
    enrolled = _rows(warehouse, "SELECT DISTINCT insats FROM marts.enrolments")
    for index, (insats,) in enumerate(enrolled):
        for file_format in ("json", "markdown", "xlsx", "pdf"):
            out = folder / f"rapport_{index}.{file_format}"
            arguments = ["--insats", insats, *period, "--format", file_format, "--out", str(out)]
            assert report_main(arguments) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in ("enrolments", "steward_worklist", "participant_timeline"):
            frame = con.sql(f"SELECT * FROM marts.{table}").df()
            (folder / f"{table}.csv").write_bytes(csv_download(frame))
    return folder


def _rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _event_log(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult) -> Iterator[str]:
    yield from (str(event) for event in result.all_events)
    yield from (str(entry) for entry in instance.all_logs(result.run_id))


def test_planted_personnummer_never_leave_the_landing(
    finsam_env: Settings, run_tmpdir: Path
) -> None:
    generate(60, 11, finsam_env.landing, finsam_env.config)
    plant = plant_deliveries(finsam_env.landing)
    dagster_home = finsam_env.warehouse.parent / "dagster_home"
    dagster_home.mkdir()
    shutil.copy(REPO / "pipelines" / "dagster.yaml", dagster_home)  # as `make` sets it up
    with dagster_instance(dagster_home) as instance:
        result = (
            defs()
            .resolve_job_def("nightly")
            .execute_in_process(instance=instance, raise_on_error=False)
        )
        events = list(_event_log(instance, result))
    assert result.success, [event.step_key for event in result.get_step_failure_events()]
    work, warehouse = finsam_env.work_db, finsam_env.warehouse
    statuses = _rows(work, "SELECT file_name, status FROM raw.file_registry")
    planted = [row for row in statuses if DELIVERED in row[0] or "2025" in row[0]]
    assert len(planted) == 7 and {status for _, status in planted} == {"loaded"}, planted

    pattern = plant.pattern()
    hits = database_hits(work, pattern) + database_hits(warehouse, pattern)
    hits += [line[:80] for line in events if re.search(pattern, line)]
    for folder in (
        dagster_home,
        DBT_PROJECT_DIR / "target",
        DBT_PROJECT_DIR / "logs",
        warehouse.parent / "data_docs",
        run_tmpdir,
        write_exports(warehouse, finsam_env.warehouse.parent / "exports"),
    ):
        hits += file_hits(folder, pattern)
    assert hits == []

    # Redacted, not dropped: the planted rows reached the marts, and every field said so.
    caseworkers = _rows(warehouse, "SELECT DISTINCT caseworker FROM marts.enrolments")
    assert (REDACTED,) in caseworkers
    actions = _rows(
        work,
        "SELECT source_kind, action, count(*) FROM raw.rejects "
        "WHERE action IN ('field_redacted', 'case_id_pseudonymised') GROUP BY ALL",
    )
    kinds = {kind for kind, action, _ in actions if action == "field_redacted"}
    assert kinds == {"gwa", "register", "esf", "population", "ledger", "budget", "forecast"}
    # The same case in two deliveries, the ÄrendeID in two forms: one pseudonymous case id.
    case_ids = _rows(
        work,
        "SELECT DISTINCT case_id FROM raw.case_enrolments "
        f"WHERE organisation = '{ORGANISATION}' AND row_number = 1",
    )
    assert len(case_ids) == 1 and case_ids[0][0].startswith("pn-"), case_ids
