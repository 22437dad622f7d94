"""The raw layer's tables, exactly as ARCHITECTURE.md promises them to dbt."""

from __future__ import annotations

import duckdb

FILE_COLUMNS = {
    "file_id": "VARCHAR",
    "source_file": "VARCHAR",
    "row_number": "INTEGER",
    "organisation": "VARCHAR",
    "extraction_date": "DATE",
}

CASE_ENROLMENT_COLUMNS = {
    "source_kind": "VARCHAR",
    "case_id": "VARCHAR",
    "person_id": "VARCHAR",
    "is_protected_identity": "BOOLEAN",
    "is_coordination_number": "BOOLEAN",
    "birth_year": "INTEGER",
    "gender": "VARCHAR",
    "age_at_enrolment": "INTEGER",
    "insats": "VARCHAR",
    "unit": "VARCHAR",
    "caseworker": "VARCHAR",
    "referrer": "VARCHAR",
    "referral_date": "DATE",
    "enrolment_date": "DATE",
    "exit_date": "DATE",
    "exit_reason": "VARCHAR",
    "income_source_at_enrolment": "VARCHAR",
    "income_extent_at_enrolment": "INTEGER",
    "income_source_at_exit": "VARCHAR",
    "occupation_at_exit": "VARCHAR",
    "occupation_extent_at_exit": "INTEGER",
    "assessment_date": "DATE",
    "education_level": "VARCHAR",
    "birth_region": "VARCHAR",
    "work_experience": "VARCHAR",
    "years_on_public_support": "INTEGER",
    "physical_health": "VARCHAR",
    "mental_health": "VARCHAR",
    "language_support_need": "VARCHAR",
    "work_capacity": "VARCHAR",
    "attended_hours": "DOUBLE",
    "follow_up_consent": "VARCHAR",
    "nulled_fields": "VARCHAR[]",
}

# Kind F: one row per person, month and benefit paid (benefit null: nothing paid), stored
# only for persons with follow-up consent in a current case delivery.
INCOME_SUPPORT_MONTH_COLUMNS = {
    "person_id": "VARCHAR",
    "birth_year": "INTEGER",
    "gender": "VARCHAR",
    "month": "DATE",
    "benefit": "VARCHAR",
    "extent": "INTEGER",
    "amount": "DECIMAL(18,2)",
    "nulled_fields": "VARCHAR[]",
}

# Kind F, one row per loaded extract: what it covers and the persons it did not store
# (counts only: the trailer's unknown personnummer, and rows dropped for lack of consent
# or of any case-system enrolment).
INCOME_SUPPORT_EXTRACT_COLUMNS = {
    "first_month": "DATE",
    "last_month": "DATE",
    "unknown_persons": "INTEGER",
    "persons_without_consent": "INTEGER",
    "rows_without_consent": "INTEGER",
    "persons_not_in_case_system": "INTEGER",
    "rows_not_in_case_system": "INTEGER",
}

ESF_PARTICIPANT_COLUMNS = {
    "project_number": "VARCHAR",
    "person_id": "VARCHAR",
    "is_protected_identity": "BOOLEAN",
    "birth_year": "INTEGER",
    "gender": "VARCHAR",
    "age_at_start": "INTEGER",
    "start_date": "DATE",
    "end_date": "DATE",
    "status_start": "INTEGER",
    "education": "INTEGER",
    "exit_reason": "INTEGER",
    "exit_reason_2": "INTEGER",
    "attended_hours": "DOUBLE",
    "nulled_fields": "VARCHAR[]",
}

DATA_TABLES: dict[str, dict[str, str]] = {
    "case_enrolments": CASE_ENROLMENT_COLUMNS,
    "esf_participants": ESF_PARTICIPANT_COLUMNS,
    "income_support_months": INCOME_SUPPORT_MONTH_COLUMNS,
    "income_support_extracts": INCOME_SUPPORT_EXTRACT_COLUMNS,
    "population": {
        "region_code": "VARCHAR",
        "region_name": "VARCHAR",
        "age_band": "VARCHAR",
        "age_from": "INTEGER",
        "age_to": "INTEGER",
        "gender": "VARCHAR",
        "year": "INTEGER",
        "population": "INTEGER",
    },
    "ledger_transactions": {
        "voucher": "VARCHAR",
        "booking_date": "DATE",
        "account": "VARCHAR",
        "responsibility": "VARCHAR",
        "project": "VARCHAR",
        "amount": "DECIMAL(18,2)",
        "text": "VARCHAR",
    },
    "budget_lines": {
        "year": "INTEGER",
        "insats": "VARCHAR",
        "project": "VARCHAR",
        "cost_line": "VARCHAR",
        "budget": "DECIMAL(18,2)",
    },
    "funding_shares": {
        "year": "INTEGER",
        "insats": "VARCHAR",
        "party": "VARCHAR",
        "share_percent": "DOUBLE",
    },
    "forecast_lines": {
        "forecast_date": "DATE",
        "insats": "VARCHAR",
        "project": "VARCHAR",
        "cost_line": "VARCHAR",
        "full_year_forecast": "DECIMAL(18,2)",
    },
}

BOOKKEEPING_TABLES: dict[str, dict[str, str]] = {
    "file_registry": {
        "file_id": "VARCHAR PRIMARY KEY",
        "file_name": "VARCHAR",
        "source_kind": "VARCHAR",
        "organisation": "VARCHAR",
        "extraction_date": "DATE",
        "content_hash": "VARCHAR",
        "rows_read": "INTEGER",
        "rows_loaded": "INTEGER",
        "rows_rejected": "INTEGER",
        "loaded_at": "TIMESTAMP",
        "status": "VARCHAR",
        "is_current": "BOOLEAN",
        "superseded_by": "VARCHAR",
    },
    "delivery_log": {
        "run_id": "VARCHAR",
        "file_id": "VARCHAR",
        "file_name": "VARCHAR",
        "outcome": "VARCHAR",
        "reason": "VARCHAR",
        "handled_at": "TIMESTAMP",
    },
    "rejects": {
        "file_id": "VARCHAR",
        "source_file": "VARCHAR",
        "source_kind": "VARCHAR",
        "row_number": "INTEGER",
        "field": "VARCHAR",
        "reason": "VARCHAR",
        "action": "VARCHAR",
        "case_id": "VARCHAR",
        "logged_at": "TIMESTAMP",
    },
}

INSATS_CONFIG_COLUMNS: dict[str, str] = {
    "insats": "VARCHAR",
    "goal_reasons": "VARCHAR[]",
    "dropout_reasons": "VARCHAR[]",
    "trial_days": "INTEGER",
    "exclude_dropouts_from_goal_share": "BOOLEAN",
    "esf_project": "VARCHAR",
    "projekt": "VARCHAR",
    "mandatory_fields": "VARCHAR[]",
    "grace_days": "INTEGER",
    "completeness_threshold": "DOUBLE",
    "goal_definition": "VARCHAR",
}
INSATS_OWN_COLUMNS = ("insats", "esf_project", "projekt")

CONFIG_TABLES: dict[str, dict[str, str]] = {
    "insats_config": INSATS_CONFIG_COLUMNS,
    # The configuration's defaults, for insatser in the data but absent from it.
    "insats_config_defaults": {
        name: sql_type
        for name, sql_type in INSATS_CONFIG_COLUMNS.items()
        if name not in INSATS_OWN_COLUMNS
    },
    "unit_municipalities": {
        "unit": "VARCHAR",
        "municipality_code": "VARCHAR",
        "municipality_name": "VARCHAR",
    },
    "esf_projects": {"esf_project": "VARCHAR", "insats": "VARCHAR", "unit": "VARCHAR"},
    # An insats's numeric target per figure (`targets:`), shown against the result.
    "insats_targets": {"insats": "VARCHAR", "figure": "VARCHAR", "target": "DOUBLE"},
    "stated_figures": {
        "insats": "VARCHAR",
        "unit": "VARCHAR",
        "figure": "VARCHAR",
        "period_from": "DATE",
        "period_to": "DATE",
        "stated_value": "DOUBLE",
        "source": "VARCHAR",
    },
}


def table_columns(table: str) -> dict[str, str]:
    """All columns of a raw data table: the per-row file columns, then its own."""
    return {**FILE_COLUMNS, **DATA_TABLES[table]}


def _create_sql(table: str, columns: dict[str, str]) -> str:
    body = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns.items())
    return f"CREATE TABLE IF NOT EXISTS raw.{table} ({body})"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw table, so dbt sources exist even before a kind's first delivery;
    add the columns an existing table (an older warehouse) lacks, e.g. `nulled_fields`:
    its older rows hold null there, which means "not known", not "none"."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    existing = set(
        con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'raw'"
        ).fetchall()
    )
    tables = {table for table, _ in existing}
    for table in DATA_TABLES:
        columns = table_columns(table)
        con.execute(_create_sql(table, columns))
        for name, sql_type in columns.items():
            if table in tables and (table, name) not in existing:
                column = f'"{name}" {sql_type}'
                con.execute(f"ALTER TABLE raw.{table} ADD COLUMN IF NOT EXISTS {column}")
    for table, columns in {**BOOKKEEPING_TABLES, **CONFIG_TABLES}.items():
        con.execute(_create_sql(table, columns))
