"""The whole product on the demo: one nightly run ingests, models, checks and publishes."""

from __future__ import annotations

import duckdb

from tests.conftest import DemoRun

SCHEMAS_SQL = "select schema_name from duckdb_schemas()"


def test_nightly_run_publishes_a_complete_warehouse(demo_run: DemoRun) -> None:
    result = demo_run.result
    assert result.success
    assert not result.get_step_skipped_events()
    with duckdb.connect(str(demo_run.settings.warehouse), read_only=True) as con:
        schemas = {row[0] for row in con.execute(SCHEMAS_SQL).fetchall()}
        assert {"raw", "staging", "intermediate", "marts", "quality", "meta"} <= schemas
        (run_id,) = con.execute("select run_id from meta.publication").fetchone()
        assert run_id == result.run_id
        (enrolments,) = con.execute("select count(*) from marts.enrolments").fetchone()
    assert enrolments > 900


def test_every_error_check_passes_on_the_demo(demo_run: DemoRun) -> None:
    failed_errors = [
        (check.asset_key.to_user_string(), check.check_name)
        for check in demo_run.result.get_asset_check_evaluations()
        if not check.passed and check.severity.value == "ERROR"
    ]
    assert failed_errors == []
