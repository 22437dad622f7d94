"""A shares suite's batch carries each row's verdict as a category code, never as a string:
a national quality table has tens of millions of rows (issue 17)."""

from __future__ import annotations

import datetime as dt
import tracemalloc

import duckdb

from expectations.declarations import declaration
from expectations.kinds import shares_batch
from expectations.run_context import QualityRun
from expectations.runner import ephemeral_context

ROWS = 400_000


def test_a_shares_batch_holds_codes_not_verdict_names() -> None:
    suite = declaration("case_enrolments_validity")
    run = QualityRun(as_of=dt.date(2024, 11, 30), run_at=dt.datetime(2024, 11, 30, tzinfo=dt.UTC))
    ephemeral_context()  # GX builds suites in an active context
    with duckdb.connect() as con:
        con.execute("create schema quality")
        con.execute(
            f"create table {suite.table} as select "
            "'validity:a_rather_long_field_name:' || (i % 5) as expectation, "
            "0.95 as threshold, i % 50 <> 0 as is_passing from range(?) as t(i)",
            [ROWS],
        )
        tracemalloc.start()
        try:
            frame, expectations = shares_batch(con, suite, run)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert len(frame) == ROWS and len(expectations.expectations) == 5
    assert frame["expectation"].value_counts().tolist() == [ROWS // 5] * 5
    assert frame["is_passing"].sum() == ROWS - ROWS // 50
    # Verdict names fetched as Python strings took about 150 bytes a row.
    assert peak < ROWS * 24, f"peak {peak / ROWS:.0f} bytes a row"
