"""One label normaliser and one place that finds unknown labels, through the real layers.

A label with no-break spaces is recognised alike by the ingest (a register's own label
translated), by dbt (mapped onto its code) and by the quality models (no finding); a label
on no code list is kept by the ingest (no reject, not `field_nulled`), counted as filled
in by completeness and reported once, as an unknown code, by validity.
"""

from __future__ import annotations

import duckdb
import pytest

from expectations.runner import run_suites
from pipelines.ingest.mappings import normalise_label_sql
from pipelines.settings import Settings
from tests.ingest.fixtures import (
    CONFIG,
    GWA_HEADER,
    PERSONS,
    bromolla_register,
    gwa_row,
    write_csv,
    write_xlsx,
)
from tests.ingest.test_ingest_assets import materialize
from tests.quality.conftest import QUALITY, dbt_quality, quality_run

NBSP = "\u00a0"


def test_the_ingest_renders_dbts_own_macro() -> None:
    sql = normalise_label_sql("label")
    assert "x{00a0}" in sql
    label = f"'{NBSP} Annan{NBSP}{NBSP}arbetslivsinriktad \t rehab '"
    assert duckdb.sql(f"select {normalise_label_sql(label)}").fetchall() == [
        ("annan arbetslivsinriktad rehab",)
    ]
    blank = normalise_label_sql("'" + NBSP + " '")
    assert duckdb.sql(f"select {blank}").fetchall() == [(None,)]


@pytest.fixture
def labelled(finsam_env: Settings, quality_target) -> Settings:
    """A kind A delivery and a kind B register with no-break-space and unknown labels,
    ingested by the real assets and built by the real dbt project."""
    anna, cia = PERSONS["anna"], PERSONS["cia"]
    rows = [
        GWA_HEADER,
        gwa_row(
            "H-1",
            anna,
            Avslutsdatum="2024-05-01",
            Avslutsorsak=f"Annan{NBSP}arbetslivsinriktad{NBSP} rehab",
            **{"Försörjning vid inskrivning": f"förs.{NBSP}stöd"},
        ),
        gwa_row("H-2", cia, Utbildningsnivå="Doktorsexamen"),
    ]
    write_csv(finsam_env.landing / "arende" / "gwa_hassleholm_20240601.csv", rows)
    register = bromolla_register()
    register[1][register[0].index("Avslutsorsak")] = f"Medicinsk{NBSP}rehab"
    write_xlsx(
        finsam_env.landing / "arende" / "register_bromolla_20240601.xlsx", {"Deltagare": register}
    )
    finsam_env.config.parent.mkdir(parents=True, exist_ok=True)
    finsam_env.config.write_text(CONFIG, encoding="utf-8")
    assert materialize().success
    dbt_quality(finsam_env.work_db, quality_target, f"+{QUALITY}")
    return finsam_env


def _rows(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_no_break_spaces_are_recognised_in_ingest_dbt_and_checks(labelled: Settings) -> None:
    assert _rows(labelled, "select exit_reason from raw.case_enrolments where case_id = 'B7'") == [
        ("Medicinsk rehabilitering",)  # the register's own label, translated at ingest
    ]
    mapped = _rows(
        labelled,
        "select case_id, exit_reason, income_source_at_enrolment "
        "from intermediate.int_case_rows_mapped where case_id in ('H-1', 'B7') order by 1",
    )
    assert mapped == [
        ("B7", "Medicinsk rehabilitering", None),
        ("H-1", "Annan arbetslivsinriktad rehabilitering", "Försörjningsstöd"),
    ]
    unknown = _rows(
        labelled,
        "select case_id, field from quality.quality_validity "
        "where \"check\" like 'vocabulary:%' and not is_passing",
    )
    assert unknown == [("H-2", "education_level")]


def test_an_unknown_label_is_one_finding_as_unknown_never_as_missing(labelled: Settings) -> None:
    rejects = _rows(labelled, "select field, action from raw.rejects where case_id = 'H-2'")
    assert rejects == []  # kept as delivered: no reject, no field_nulled
    assert _rows(
        labelled,
        "select is_passing, problem from quality.quality_completeness "
        "where case_id = 'H-2' and field = 'education_level'",
    ) == [(True, None)]
    with duckdb.connect(str(labelled.work_db)) as con:
        findings = [
            outcome.findings(con).query("case_id == 'H-2' and field == 'education_level'")
            for outcome in run_suites(con, quality_run(con))
        ]
    found = [
        (row.suite, row.check, row.problem) for frame in findings for row in frame.itertuples()
    ]
    assert found == [
        (
            "case_enrolments_validity",
            "vocabulary:education_level",
            "Utbildningsnivå: okänd kod 'Doktorsexamen'",
        )
    ]
