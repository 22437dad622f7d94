"""Corrections between deliveries are kept by the enrolment snapshot."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.dbt.conftest import create_raw_layer, run_dbt

SELECT = ["--select", "stg_raw__case_enrolments", "case_enrolments_snapshot"]

NEXT_DELIVERY = """
insert into raw.file_registry (file_id, file_name, source_kind, organisation,
    extraction_date, status, is_current)
values ('f-gwa-2', 'gwa_org1_20250131.csv', 'gwa', 'org1', date '2025-01-31', 'loaded', true);
update raw.file_registry set is_current = false, superseded_by = 'f-gwa-2'
where file_id = 'f-gwa';
-- The next full snapshot: A8 has exited, A9 was deleted, the rest unchanged.
insert into raw.case_enrolments
select * replace (
    'f-gwa-2' as file_id,
    date '2025-01-31' as extraction_date,
    case when case_id = 'A8' then date '2025-01-15' else exit_date end as exit_date,
    case when case_id = 'A8' then 'Arbete' else exit_reason end as exit_reason
)
from raw.case_enrolments
where file_id = 'f-gwa' and case_id != 'A9';
"""


def test_snapshot_keeps_the_corrected_and_the_deleted_rows(
    tmp_path: Path, dbt_target: Path
) -> None:
    work_db = tmp_path / "warehouse_work.duckdb"
    create_raw_layer(work_db, "edge_cases.sql")
    first = run_dbt(["build", *SELECT], work_db, dbt_target)
    assert first.returncode == 0, first.stdout[-3000:]
    with duckdb.connect(str(work_db)) as con:
        con.execute(NEXT_DELIVERY)
    second = run_dbt(["build", *SELECT], work_db, dbt_target)
    assert second.returncode == 0, second.stdout[-3000:]

    with duckdb.connect(str(work_db), read_only=True) as con:
        versions = con.execute(
            "select exit_date::varchar, dbt_valid_to is null "
            "from snapshots.case_enrolments_snapshot where case_id = 'A8' order by dbt_valid_from"
        ).fetchall()
        deleted = con.execute(
            "select dbt_valid_to is not null from snapshots.case_enrolments_snapshot "
            "where case_id = 'A9'"
        ).fetchall()
        unchanged = con.execute(
            "select count(*) from snapshots.case_enrolments_snapshot where case_id = 'A1'"
        ).fetchone()
    assert versions == [(None, False), ("2025-01-15", True)]
    assert deleted == [(True,)]
    assert unchanged == (1,)
