"""Writing a quality run to DuckDB: verdicts with history, findings of the latest run."""

from __future__ import annotations

import duckdb
import pandas as pd

from expectations.runner import RESULT_COLUMNS, SuiteOutcome

DDL = """
create schema if not exists quality;
create table if not exists quality.quality_results (
    run_at timestamptz not null,
    suite varchar not null,
    expectation varchar not null,
    asset varchar not null,
    severity varchar not null,
    success boolean not null,
    observed_value double,
    threshold double,
    details json
);
create table if not exists quality.quality_findings (
    run_at timestamptz not null,
    suite varchar not null,
    "check" varchar not null,
    severity varchar not null,
    organisation varchar,
    insats varchar,
    unit varchar,
    caseworker varchar,
    case_id varchar,
    field varchar,
    problem varchar not null,
    since_date date,
    days_open integer,
    priority integer
);
-- Installations from before findings had a priority (1: fix first, the figures count
-- the case by a rule until then; 2: other).
alter table quality.quality_findings add column if not exists priority integer;
create schema if not exists marts;
-- Unordered on purpose: readers sort only what they fetch (an ordered view would sort
-- every finding on every read, seconds at national scale).
create or replace view marts.steward_worklist as
select unit, caseworker, case_id, insats, organisation, field, problem, since_date, days_open,
    severity, suite, "check", run_at, coalesce(priority, 2) as priority
from quality.quality_findings
where case_id is not null
    and run_at = (select max(run_at) from quality.quality_findings);
"""


def write_outcomes(con: duckdb.DuckDBPyConnection, outcomes: list[SuiteOutcome]) -> None:
    """Append the verdicts and replace the findings, in one transaction.

    Findings are replaced, not appended: a fixed problem disappears from the worklist, and
    how long a problem has been open is derived from the data, not from run history. They
    go from SQL straight into the table, never through Python. The verdicts of a build
    validated again (same run clock) replace that build's, so history has one per build.
    """
    results = pd.concat([o.results for o in outcomes if len(o.results)], ignore_index=True)
    columns = ", ".join(RESULT_COLUMNS)
    con.execute("begin transaction")
    try:
        con.execute(DDL)
        con.register("new_results", results)
        con.execute(
            "delete from quality.quality_results "
            "where run_at in (select distinct run_at from new_results)"
        )
        con.execute(
            f"insert into quality.quality_results ({columns}) select {columns} from new_results"
        )
        con.execute("delete from quality.quality_findings")
        for outcome in outcomes:
            con.execute(f"insert into quality.quality_findings {outcome.findings_relation_sql()}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("new_results")
