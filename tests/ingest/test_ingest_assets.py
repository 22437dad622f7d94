"""Real Dagster materialisations of the ingest assets on small landings written here."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from pipelines.defs.ingest.assets import ingest_assets, ingest_registry, insats_config
from pipelines.defs.resources import resource_defs
from pipelines.settings import Settings
from tests.ingest.fixtures import (
    PERSONS,
    forms,
    gwa_row,
    gwa_rows,
    write_csv,
    write_landing,
)

ALL_ASSETS = [*ingest_assets, insats_config, ingest_registry]


def materialize(assets: list | None = None) -> dg.ExecuteInJobResult:
    return dg.materialize(assets or ALL_ASSETS, resources=resource_defs(), raise_on_error=False)


def query(settings: Settings, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        return con.execute(sql, parameters or []).fetchall()


def checks(result: dg.ExecuteInJobResult) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    return {
        (evaluation.asset_key.to_user_string(), evaluation.check_name): evaluation
        for evaluation in result.get_asset_check_evaluations()
    }


def assert_no_personnummer(settings: Settings, result: dg.ExecuteInJobResult) -> None:
    """No form of any fixture personnummer in any text of any table, nor in run events."""
    leaks = [form for pnr in PERSONS.values() for form in forms(pnr)]
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR' OR data_type LIKE 'VARCHAR[]'"
        ).fetchall()
        assert len(columns) > 50
        for schema, table, column in columns:
            text = f'"{column}"::VARCHAR'
            found = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" WHERE '
                + " OR ".join(f"contains({text}, ?)" for _ in leaks),
                leaks,
            ).fetchall()[0][0]
            assert found == 0, f"personnummer in {schema}.{table}.{column}"
    events = "\n".join(str(event) for event in result.all_events)
    assert not [form for form in leaks if form in events]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_every_source_kind_loads(finsam_env: Settings, encoding: str) -> None:
    write_landing(finsam_env.landing, finsam_env.config, encoding)
    result = materialize()
    assert result.success
    evaluations = checks(result)
    # The one warning: the ledger's Text names a participant by personnummer (redacted).
    ledger_rows_check = evaluations.pop(("raw/ledger_transactions", "rows_valid"))
    assert not ledger_rows_check.passed
    assert ledger_rows_check.metadata["fields_redacted"].value == 1
    assert all(evaluation.passed for evaluation in evaluations.values())
    registry = query(
        finsam_env, "SELECT source_kind, organisation, status, is_current FROM raw.file_registry"
    )
    assert sorted({row[0] for row in registry}) == [
        "budget",
        "esf",
        "forecast",
        "gwa",
        "ledger",
        "population",
        "register",
    ]
    assert {row[2] for row in registry} == {"loaded"} and all(row[3] for row in registry)
    summary = result.asset_materializations_for_node("ingest_registry")[0]
    assert summary.metadata["files_current"].value == len(registry) == 9

    enrolments = query(
        finsam_env,
        "SELECT case_id, person_id IS NOT NULL, is_protected_identity, is_coordination_number, "
        "birth_year, gender, age_at_enrolment, insats, unit, referrer, referral_date, "
        "income_source_at_enrolment, exit_reason, attended_hours, source_kind "
        "FROM raw.case_enrolments ORDER BY source_kind, case_id",
    )
    by_case = {row[0]: row[1:] for row in enrolments}
    assert by_case["H-1"][:6] == (True, False, True, 1985, "K", 38)
    assert by_case["H-1"][6:8] == ("Samverkansteam Hässleholm", "Hässleholm")
    assert by_case["H-3"][9] == dt.date(2024, 1, 5)
    assert by_case["H-2"][10] == "förs.stöd"  # the label as delivered (trimmed); dbt maps it
    assert by_case["H-4"][:3] == (False, True, None)
    assert by_case["H-5"][3] == 1923  # YYMMDD+NNNN: a hundred years older
    assert by_case["H-1"][12] == 1234.5
    # Kind B: the team's labels in kind A's words, row-numbered case ids, Kön when no pnr.
    assert by_case["osby-1"][8:12] == (
        "Arbetsförmedlingen",
        dt.date(2024, 1, 8),
        "Arbetslöshetsersättning",
        "Annan arbetslivsinriktad rehabilitering",
    )
    assert by_case["osby-2"][:5] == (False, True, None, None, "K")
    assert by_case["osby-3"][3] == 1985  # personnummer stored as a number in Excel
    # A second register mapping: other headings, constant insats, empty Pnr = protected.
    assert by_case["B7"][6:9] == ("Samverkansteam Bromölla", "Bromölla", "Egen anmälan")
    assert by_case["B7"][11] == "Avbrott" and by_case["B7"][12] == 1234.5
    assert by_case["B8"][1] is True
    person = query(finsam_env, "SELECT person_id FROM raw.case_enrolments WHERE case_id = 'H-2'")
    esf = query(
        finsam_env,
        "SELECT person_id, is_protected_identity, gender, age_at_start, start_date, end_date, "
        "status_start, exit_reason, attended_hours, project_number "
        "FROM raw.esf_participants ORDER BY start_date",
    )
    assert esf[0][2:] == ("K", 63, dt.date(2024, 1, 15), None, 5, None, 40.0, "2019-3010123")
    assert esf[1][0] == person[0][0]  # the same person in both sources, linked by pseudonym
    assert esf[2][:2] == (None, True)

    ledger = query(
        finsam_env, "SELECT account, amount, text FROM raw.ledger_transactions ORDER BY voucher"
    )
    assert [row[1] for row in ledger] == [
        Decimal("45000.00"),
        Decimal("12500.50"),
        Decimal("-1200.00"),
        Decimal("350.00"),
    ]
    assert ledger[3][2] == "Resa deltagare [personnummer borttaget] till Kristianstad"
    assert query(
        finsam_env,
        "SELECT region_code, region_name, age_from, age_to, gender, year, population "
        "FROM raw.population ORDER BY year, age_from, gender LIMIT 1",
    ) == [("1293", "Hässleholm", 16, 19, "K", 2023, 790)]
    assert query(finsam_env, "SELECT year, sum(budget) FROM raw.budget_lines GROUP BY 1") == [
        (2024, Decimal("650000.50"))
    ]
    assert query(finsam_env, "SELECT sum(share_percent) FROM raw.funding_shares") == [(100.0,)]
    assert query(
        finsam_env, "SELECT forecast_date, full_year_forecast FROM raw.forecast_lines ORDER BY 1"
    ) == [
        (dt.date(2024, 4, 30), Decimal("610000.00")),
        (dt.date(2024, 8, 31), Decimal("620000.00")),
    ]
    assert_no_personnummer(finsam_env, result)


def test_insats_config_defaults_and_tables(finsam_env: Settings) -> None:
    write_landing(finsam_env.landing, finsam_env.config)
    assert materialize([insats_config]).success
    config = query(
        finsam_env,
        "SELECT insats, goal_reasons, dropout_reasons, trial_days, esf_project, projekt, "
        "grace_days, completeness_threshold, len(mandatory_fields), goal_definition "
        "FROM raw.insats_config ORDER BY insats",
    )
    hassleholm, osby = config
    assert hassleholm[1:7] == (
        ["Arbete", "Studier", "Annan arbetslivsinriktad rehabilitering"],
        ["Avbrott"],
        60,
        "2019-3010123",
        "4711",
        30,
    )
    assert osby[1:9] == (["Arbete", "Studier"], ["Avbrott"], 0, "2019-3010124", "4712", 30, 0.8, 9)
    assert "inom 60 dagar" in hassleholm[9]
    assert query(finsam_env, "SELECT * FROM raw.esf_projects ORDER BY 1") == [
        ("2019-3010123", "Samverkansteam Hässleholm", "Hässleholm"),
        ("2019-3010124", "Samverkansteam Osby", None),
    ]
    assert len(query(finsam_env, "SELECT * FROM raw.unit_municipalities")) == 2
    assert query(finsam_env, "SELECT figure, stated_value FROM raw.stated_figures") == [
        ("cost_per_participant", 17227.0)
    ]
    # The defaults, for insatser in the data but absent from the configuration.
    [defaults] = query(
        finsam_env,
        "SELECT goal_reasons, dropout_reasons, trial_days, exclude_dropouts_from_goal_share, "
        "len(mandatory_fields), grace_days, completeness_threshold, goal_definition "
        "FROM raw.insats_config_defaults",
    )
    assert defaults[:7] == (["Arbete", "Studier"], ["Avbrott"], 0, True, 9, 30, 0.8)
    assert defaults[7].startswith("Andel i mål = avslut med orsak Arbete eller Studier")


def test_bad_config_names_the_key(finsam_env: Settings) -> None:
    finsam_env.config.parent.mkdir(parents=True)
    finsam_env.config.write_text("insatser:\n  Team X:\n    trial_days: sextio\n", encoding="utf-8")
    result = materialize([insats_config])
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "insatser.Team X.trial_days" in failure.description


def test_same_file_twice_loads_once(finsam_env: Settings) -> None:
    path = write_csv(finsam_env.landing / "arende" / "gwa_hassleholm_20240601.csv", gwa_rows())
    assert materialize(ingest_assets[:1]).success
    shutil.copy(path, path.with_name("gwa_hassleholm_20240602.csv"))  # same bytes, new name
    result = materialize(ingest_assets[:1])
    materialization = result.asset_materializations_for_node("ingest_case_enrolments")[0]
    assert materialization.metadata["files_already_loaded"].value == 2
    assert materialization.metadata["files_loaded"].value == 0
    assert query(finsam_env, "SELECT count(*) FROM raw.file_registry") == [(1,)]
    assert query(finsam_env, "SELECT count(*) FROM raw.case_enrolments") == [(5,)]


def test_the_delivery_log_keeps_duplicates_and_quarantine_reasons(finsam_env: Settings) -> None:
    """What the registry cannot hold (one row per content): a copy under another name, and
    why a file was quarantined; a loaded file seen again under its own name is no delivery."""
    path = write_csv(finsam_env.landing / "arende" / "gwa_hassleholm_20240601.csv", gwa_rows())
    first = materialize(ingest_assets[:1])
    shutil.copy(path, path.with_name("gwa_hassleholm_20240602.csv"))
    (path.parent / "gwa_osby_20240603.csv").write_bytes(b"\x00\x01 not a case export")
    second = materialize(ingest_assets[:1])
    logged = query(
        finsam_env,
        "SELECT run_id, file_name, outcome, reason IS NOT NULL FROM raw.delivery_log ORDER BY 1, 2",
    )
    assert sorted(logged) == sorted(
        [
            (first.run_id, "gwa_hassleholm_20240601.csv", "loaded", False),
            (second.run_id, "gwa_hassleholm_20240602.csv", "duplicate", True),
            (second.run_id, "gwa_osby_20240603.csv", "quarantined", True),
        ]
    )
    assert query(finsam_env, "SELECT reason FROM raw.delivery_log WHERE outcome = 'duplicate'") == [
        ("gwa_hassleholm_20240601.csv",)
    ]


def test_corrected_snapshot_supersedes_and_keeps_history(finsam_env: Settings) -> None:
    arende = finsam_env.landing / "arende"
    write_csv(arende / "gwa_hassleholm_20240601.csv", gwa_rows())
    assert materialize(ingest_assets[:1]).success
    corrected = gwa_rows()
    corrected[2] = gwa_row("H-2", PERSONS["bo"], Avslutsdatum="2024-05-01", Avslutsorsak="Studier")
    write_csv(arende / "gwa_hassleholm_20240701.csv", corrected, "utf-8-sig")
    assert materialize(ingest_assets[:1]).success
    registry = query(
        finsam_env,
        "SELECT file_name, is_current, superseded_by, file_id FROM raw.file_registry ORDER BY 1",
    )
    (first, _, first_successor, _), (second, second_current, second_successor, second_id) = registry
    assert (first, second) == ("gwa_hassleholm_20240601.csv", "gwa_hassleholm_20240701.csv")
    assert registry[0][1] is False and first_successor == second_id
    assert second_current is True and second_successor is None
    current = query(
        finsam_env,
        "SELECT exit_reason FROM raw.case_enrolments JOIN raw.file_registry USING (file_id) "
        "WHERE is_current AND case_id = 'H-2'",
    )
    assert current == [("Studier",)]
    history = query(
        finsam_env, "SELECT exit_reason FROM raw.case_enrolments WHERE case_id = 'H-2' ORDER BY 1"
    )
    assert history == [("Arbete",), ("Studier",)]
