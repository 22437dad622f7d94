"""No single row stops the night, and none vanishes (issue 14, domain.md "Time, dates and
periods"): a landing where single rows are broken in every way real deliveries break them
runs through the real pipeline (`python -m pipelines.run`, what `make pipeline` runs),
publishes, exits 0, and every broken row is counted by the domain's rule and is a finding.

The rows are built as the agencies deliver them: a kind A export delivered twice (the
exit with an unreadable Avslutsdatum shows first in the earlier delivery), a kind B Excel
register with dates stored as serial numbers, and an SCB report.
"""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
from pathlib import Path

import duckdb
import pytest

from expectations.worklist import read_worklist
from tests.ingest.fixtures import (
    GWA_HEADER,
    esf_rows,
    gwa_row,
    osby_register,
    samordningsnummer,
    write_csv,
    write_landing,
    write_xlsx,
)
from tests.reference.pipeline import run_pipeline

INSATS = "Samverkansteam Hässleholm"
EXTRACTED = dt.date(2024, 6, 1)
FIRST_DELIVERY = dt.date(2024, 5, 1)

FRED = samordningsnummer(dt.date(1980, 4, 2), 21, male=True)
GUN = samordningsnummer(dt.date(1975, 8, 9), 22, male=False)
HUGO = samordningsnummer(dt.date(2002, 3, 3), 23, male=True)  # 21 at enrolment
IDA = samordningsnummer(dt.date(1991, 9, 19), 24, male=False)
JON = samordningsnummer(dt.date(1988, 2, 12), 25, male=True)
KIM = samordningsnummer(dt.date(1979, 11, 28), 26, male=False)
LEA = samordningsnummer(dt.date(1993, 6, 6), 27, male=False)
MAX = samordningsnummer(dt.date(1986, 1, 30), 28, male=True)
NOA = samordningsnummer(dt.date(1984, 10, 10), 29, male=True)
OLA = samordningsnummer(dt.date(1990, 4, 4), 31, male=True)


def dashed(pnr12: str, separator: str = "-") -> str:
    return f"{pnr12[2:8]}{separator}{pnr12[8:]}"


def wrong_check_digit(pnr12: str) -> str:
    return pnr12[:-1] + str((int(pnr12[-1]) + 1) % 10)


def row(case_id: str, pnr: str, **values: str) -> list[str]:
    return gwa_row(case_id, pnr, Insats=INSATS, **values)


def broken_rows() -> list[list[str]]:
    """One row per fault, each a different person, all of insats `INSATS`."""
    return [
        row("F-CHECK", wrong_check_digit(FRED)),
        row("F-PLUS", dashed(HUGO, "+")),
        row("F-REMISS", GUN, Remissdatum="2024-02-31"),
        row("F-EXIT", IDA, Avslutsdatum="2024-13-45", Avslutsorsak="Arbete"),
        row("F-QUEUE", JON, Remissdatum="2024-05-20", Inskrivningsdatum="2024-07-01"),
        row("F-ACTIVE", KIM, Avslutsdatum="2024-06-20", Avslutsorsak="Arbete"),
        row(
            "F-CODE",
            LEA,
            Avslutsdatum="2024-04-01",
            Avslutsorsak="Arbete",
            **{"Försörjning vid inskrivning": "Bidrag från månen"},
        ),
        # One ÄrendeID on two rows: the last row counts.
        row("F-TWICE", OLA, Inskrivningsdatum="2024-02-05"),
        row("F-TWICE", OLA, Inskrivningsdatum="2024-02-06"),
        # Same-day re-enrolment: the first exit counts, the second enrolment is new.
        row("F-SAME-1", MAX, Avslutsdatum="2024-03-01", Avslutsorsak="Annat"),
        row("F-SAME-2", MAX, Remissdatum="2024-02-20", Inskrivningsdatum="2024-03-01"),
        # Whole completed months: 2023-11-01 to 2024-05-29 is 6 months and 28 days.
        row(
            "F-BAND",
            NOA,
            Remissdatum="2023-10-20",
            Inskrivningsdatum="2023-11-01",
            Avslutsdatum="2024-05-29",
            Avslutsorsak="Annat",
        ),
    ]


def osby_register_with_serial_dates() -> list[list[object]]:
    """A kind B register whose date cells are numbers (cells formatted "General")."""
    header = osby_register()[0]
    person = samordningsnummer(dt.date(1970, 5, 5), 30, male=False)
    return [
        header,
        [
            f"{person[:8]}-{person[8:]}",
            "K",
            "N",
            "Samverkansteam Osby",
            "Osby",
            "OSBY01",
            "AF",
            45300,
            45341,
            45412,
            "Arbete",
            "A-kassa",
            "Ingen",
            45350,
            "Nej",
            4,
        ],
    ]


def scb_rows() -> list[list[str]]:
    """The clean SCB report plus HUGO, reported with '-' as SCB does."""
    return [
        *esf_rows(),
        ["2019-3010123", dashed(HUGO), "1", "20240201", "", "3", "2", "", "", "10"],
    ]


def write_broken_landing(root: Path) -> None:
    landing = root / "landing"
    write_landing(landing, root / "config" / "insatser.yml")
    earlier = [GWA_HEADER, row("F-EXIT", IDA, Avslutsdatum="2024-13-45", Avslutsorsak="Arbete")]
    write_csv(landing / "arende" / f"gwa_hassleholm_{FIRST_DELIVERY:%Y%m%d}.csv", earlier)
    write_csv(
        landing / "arende" / f"gwa_hassleholm_{EXTRACTED:%Y%m%d}.csv",
        [GWA_HEADER, *broken_rows()],
    )
    write_xlsx(
        landing / "arende" / "register_osby_20240601.xlsx",
        {"Deltagare": osby_register_with_serial_dates()},
    )
    write_csv(landing / "scb" / "esf_2019-3010123_20240601.txt", scb_rows())
    write_budget_across_two_projects(landing)


def write_budget_across_two_projects(landing: Path) -> None:
    """Personal budgeted and forecast on two ledger projects of one insats; the ledger's
    Lokaler (account 6110) has no budget line."""
    budget = [
        ["Insats", "Projekt", "Kostnadsslag", "Budget"],
        [INSATS, "4711", "Personal", 300000],
        [INSATS, "4713", "Personal", 300000],
        [INSATS, "4711", "Övriga kostnader", 50000],
    ]
    funding = [["Insats", "Part", "Andel"], [INSATS, "Försäkringskassan", 100]]
    write_xlsx(
        landing / "ekonomi" / "budget_2024.xlsx", {"Budget": budget, "Finansiering": funding}
    )
    forecast = [
        ["Insats", "Projekt", "Kostnadsslag", "Helårsprognos"],
        [INSATS, "4711", "Personal", 310000],
        [INSATS, "4713", "Personal", 310000],
    ]
    write_xlsx(landing / "ekonomi" / "prognos_20240831.xlsx", {"Prognos": forecast})


@functools.cache
def _published(root: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    write_broken_landing(root)
    return run_pipeline(root), root / "warehouse.duckdb"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    return _published(tmp_path_factory.mktemp("broken_rows"))


@pytest.fixture(scope="module")
def warehouse(published: tuple[subprocess.CompletedProcess, Path]) -> Path:
    result, path = published
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert path.is_file()
    return path


def query(warehouse: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def episode(warehouse: Path, case_id: str) -> dict:
    """The one enrolment episode holding `case_id`."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frame = con.execute(
            "select * from marts.enrolments where list_contains(case_ids, ?)", [case_id]
        ).df()
    assert len(frame) == 1, f"{case_id}: {len(frame)} episodes"
    return frame.iloc[0].to_dict()


def findings(warehouse: Path, case_id: str) -> list[tuple]:
    return query(
        warehouse,
        'select "check", field, priority, problem from marts.steward_worklist '
        'where case_id = ? order by priority, "check"',
        case_id,
    )


def test_the_night_publishes_with_warnings(published) -> None:
    result, path = published
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert path.is_file()
    failed = query(
        path,
        "select suite, count(*) from quality.quality_results where not success "
        "and run_at = (select max(run_at) from quality.quality_results) group by suite",
    )
    suites = dict(failed)
    assert "case_enrolments_rejects" in suites and "case_enrolments_validity" in suites


def test_wrong_check_digit_counts_as_a_person_that_cannot_be_linked(warehouse: Path) -> None:
    enrolment = episode(warehouse, "F-CHECK")
    assert enrolment["is_unlinkable"] and not enrolment["is_protected_identity"]
    assert enrolment["status"] == "aktiv"
    assert enrolment["gender"] == "M" and enrolment["age_at_enrolment"] == 43
    checks = findings(warehouse, "F-CHECK")
    assert any(check == "rejects:invalid_personnummer" for check, *_ in checks), checks
    assert FRED[2:] not in " ".join(str(value) for value in enrolment.values())


def test_plus_for_a_young_person_is_read_as_minus_and_links(warehouse: Path) -> None:
    enrolment = episode(warehouse, "F-PLUS")
    assert enrolment["age_at_enrolment"] == 21
    assert not enrolment["is_unlinkable"]
    linked = query(
        warehouse,
        "select status from marts.scb_reconciliation_persons where person_key = ?",
        enrolment["person_key"],
    )
    assert linked == [("both",)], linked
    checks = findings(warehouse, "F-PLUS")
    assert ("rejects:personnummer_corrected", 2) in [(c, p) for c, _, p, _ in checks], checks


def test_bad_remissdatum_is_nulled_and_the_enrolment_still_counts(warehouse: Path) -> None:
    enrolment = episode(warehouse, "F-REMISS")
    assert enrolment["referral_date"] is None or str(enrolment["referral_date"]) == "NaT"
    assert str(enrolment["enrolment_date"])[:10] == "2024-02-01"
    checks = findings(warehouse, "F-REMISS")
    assert any(check == "rejects:unreadable_field" for check, *_ in checks), checks


def test_unreadable_exit_date_counts_on_the_first_delivery_that_showed_the_exit(
    warehouse: Path,
) -> None:
    enrolment = episode(warehouse, "F-EXIT")
    assert enrolment["status"] == "avslutad"
    assert str(enrolment["exit_date"])[:10] == FIRST_DELIVERY.isoformat()
    assert enrolment["exit_reason"] == "Arbete"
    first = findings(warehouse, "F-EXIT")[0]
    assert first[:3] == ("readable:exit_date", "exit_date", 1), first
    assert FIRST_DELIVERY.isoformat() in first[3]
    worklist = read_worklist(warehouse, "Hässleholm", "ANLA01", fixable_only=False)
    assert worklist.iloc[0]["ÄrendeID"] == "F-EXIT", worklist.head()
    definition = query(
        warehouse, "select definition from marts.figure_catalog where figure_id = 'exited'"
    )[0][0]
    assert "oläsligt avslutsdatum" in definition


def test_dates_after_the_extraction_are_not_yet_facts(warehouse: Path) -> None:
    queued, active = episode(warehouse, "F-QUEUE"), episode(warehouse, "F-ACTIVE")
    assert queued["status"] == "kö" and active["status"] == "aktiv"
    assert active["exit_reason"] is None
    flows = query(
        warehouse,
        "select enrolled, exited, active_at_end, queue_at_end from marts.period_flows "
        "where insats = ? and unit = 'Alla enheter' and period_type = 'calendar_year' "
        "and period_start = date '2024-01-01'",
        INSATS,
    )
    # In 2024: 9 enrolled (not F-QUEUE), 4 exited (F-EXIT, F-CODE, F-SAME-1, F-BAND; not
    # F-ACTIVE), F-BAND active at the start, so 1 + 9 - 4 = 6 active; F-QUEUE in the queue.
    assert flows == [(9, 4, 6, 1)], flows
    for case_id, field in (("F-QUEUE", "enrolment_date"), ("F-ACTIVE", "exit_date")):
        checks = [check for check, *_ in findings(warehouse, case_id)]
        assert f"not_after_extraction:{field}" in checks, checks


def test_unknown_label_is_its_own_category(warehouse: Path) -> None:
    enrolment = episode(warehouse, "F-CODE")
    assert enrolment["income_source_at_enrolment"] == "Okänd kod"
    breakdown = query(
        warehouse,
        "select dimension_value, exits from marts.outcomes where insats = ? "
        "and unit = 'Alla enheter' and period_type = 'calendar_year' "
        "and period_start = date '2024-01-01' "
        "and dimension = 'income_source_at_enrolment'",
        INSATS,
    )
    assert ("Okänd kod", 1) in breakdown, breakdown
    checks = findings(warehouse, "F-CODE")
    assert any(check == "vocabulary:income_source_at_enrolment" for check, *_ in checks)


def test_same_day_re_enrolment_is_a_new_episode(warehouse: Path) -> None:
    first, second = episode(warehouse, "F-SAME-1"), episode(warehouse, "F-SAME-2")
    assert first["enrolment_id"] != second["enrolment_id"]
    assert first["status"] == "avslutad" and second["status"] == "aktiv"


def test_time_enrolled_band_counts_whole_completed_months(warehouse: Path) -> None:
    # 6.9 months enrolled: 6 completed months, so 3-6 (rounding would say 7-12).
    assert episode(warehouse, "F-BAND")["time_enrolled_band"] == "3-6"


def test_excel_serial_number_dates_are_dates(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select referral_date, enrolment_date, exit_date, exit_reason from marts.enrolments "
        "where insats = 'Samverkansteam Osby'",
    )
    assert rows == [(dt.date(2024, 1, 9), dt.date(2024, 2, 19), dt.date(2024, 4, 30), "Arbete")]


def test_a_case_id_on_two_rows_counts_once_by_its_last_row(warehouse: Path) -> None:
    assert str(episode(warehouse, "F-TWICE")["enrolment_date"])[:10] == "2024-02-06"
    assert "unique:case_id" in [check for check, *_ in findings(warehouse, "F-TWICE")]


def test_budget_sums_an_insats_across_its_projects_and_shows_unbudgeted_costs(
    warehouse: Path,
) -> None:
    rows = query(
        warehouse,
        "select cost_line, budget, full_year_forecast, actual_to_date, has_budget_line "
        "from marts.budget_vs_forecast where insats = ? and as_of_date = date '2024-08-31' "
        "order by cost_line",
        INSATS,
    )
    lines = {line: rest for line, *rest in rows}
    assert lines["Personal"][:2] == [600000, 620000]  # not doubled, not one project only
    budget, _, actual, has_budget_line = lines["Lokaler"]
    assert (budget, float(actual), has_budget_line) == (0, 12500.5, False)
