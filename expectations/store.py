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
comment on table quality.quality_results is
    'Verdicts of the quality suites (GX): one row per build, suite and expectation; history kept.';
comment on column quality.quality_results.run_at is
    'The dbt build validated (quality.quality_run.run_at).';
comment on column quality.quality_results.suite is
    'The suite (expectations/suites/<suite>.yml).';
comment on column quality.quality_results.expectation is
    'The expectation, e.g. completeness:assessment_date:<insats>.';
comment on column quality.quality_results.asset is
    'The quality table validated, e.g. quality_completeness.';
comment on column quality.quality_results.severity is
    'error (a failure stops publication) or warning.';
comment on column quality.quality_results.success is
    'The expectation held.';
comment on column quality.quality_results.observed_value is
    'Share (0-1) of the checked rows that pass, or the aggregate checked.';
comment on column quality.quality_results.threshold is
    'The share (or aggregate) the expectation requires.';
comment on column quality.quality_results.details is
    'GX''s result as JSON: type, arguments, row counts (no person-level values).';
comment on table quality.quality_findings is
    'Findings of the latest run: one row per failing row of a quality table (the worklist).';
comment on column quality.quality_findings.run_at is
    'The dbt build the findings are of.';
comment on column quality.quality_findings.suite is
    'The suite that found it.';
comment on column quality.quality_findings."check" is
    'The check (rule), e.g. completeness:assessment_date.';
comment on column quality.quality_findings.severity is
    'error or warning (the suite''s).';
comment on column quality.quality_findings.organisation is
    'The delivering organisation; null when about no delivery.';
comment on column quality.quality_findings.insats is
    'Insats; null when about no insats.';
comment on column quality.quality_findings.unit is
    'Enhet; null when about no unit.';
comment on column quality.quality_findings.caseworker is
    'Handläggare of the case; null when about no case.';
comment on column quality.quality_findings.case_id is
    'ÄrendeID of the case; null when about no case.';
comment on column quality.quality_findings.field is
    'The field (column name) the problem is in.';
comment on column quality.quality_findings.problem is
    'What is wrong, in Swedish.';
comment on column quality.quality_findings.since_date is
    'The day the problem has been open since (the quality model says which).';
comment on column quality.quality_findings.days_open is
    'Days from since_date to the run''s as_of day.';
comment on column quality.quality_findings.priority is
    '1: fix first (a figure counts the case by a fallback rule until then), 2: other.';
"""

# The worklist and its overview are tables, written with the findings: a view joined and
# filtered every finding on every dashboard call (382 ms at 1 000 000 participants).
# Sorted by insats, unit and caseworker, so a caseworker's findings are a few row groups.
WORKLIST_SQL = """
create schema if not exists marts;
create or replace table marts.steward_worklist as
select findings.unit, findings.caseworker, findings.case_id, findings.insats,
    findings.organisation, findings.field, findings.problem, findings.since_date,
    findings.days_open, findings.severity, findings.suite, findings."check", findings.run_at,
    coalesce(findings.priority, 2) as priority, case_status.case_status, case_status.exit_date,
    coalesce(case_status.is_fixable, true) as is_fixable
from quality.quality_findings as findings
left join quality.quality_case_status as case_status
    on findings.organisation = case_status.organisation
    and findings.case_id = case_status.case_id
where findings.case_id is not null
    and findings.run_at = (select max(run_at) from quality.quality_findings)
order by findings.insats, findings.unit, findings.caseworker;
create or replace table marts.steward_worklist_summary as
select insats, unit, caseworker, field, is_fixable, count(*) as findings,
    count(*) filter (where case_status = 'aktivt') as findings_on_active_cases,
    min(since_date) as oldest_since_date, max(days_open) as max_days_open
from marts.steward_worklist
group by insats, unit, caseworker, field, is_fixable
order by insats, unit, caseworker, field;
comment on table marts.steward_worklist is
    'Arbetslista: the latest run''s findings about a case, for data stewards.';
comment on column marts.steward_worklist.case_status is
    'aktivt or avslutat (quality.quality_case_status); null for a case no longer delivered.';
comment on column marts.steward_worklist.exit_date is
    'The latest exit date of a closed case.';
comment on column marts.steward_worklist.is_fixable is
    'Can still be fixed: the case is active or closed within the dbt var worklist_fixable_days.';
comment on column marts.steward_worklist.unit is
    'Enhet of the case.';
comment on column marts.steward_worklist.caseworker is
    'Handläggare of the case.';
comment on column marts.steward_worklist.case_id is
    'ÄrendeID.';
comment on column marts.steward_worklist.insats is
    'Insats of the case.';
comment on column marts.steward_worklist.organisation is
    'The delivering organisation.';
comment on column marts.steward_worklist.field is
    'The field (column name) the problem is in.';
comment on column marts.steward_worklist.problem is
    'What is wrong, in Swedish.';
comment on column marts.steward_worklist.since_date is
    'The day the problem has been open since.';
comment on column marts.steward_worklist.days_open is
    'Days from since_date to the run''s as_of day.';
comment on column marts.steward_worklist.severity is
    'error or warning.';
comment on column marts.steward_worklist.suite is
    'The quality suite that found it.';
comment on column marts.steward_worklist."check" is
    'The check (rule).';
comment on column marts.steward_worklist.run_at is
    'The dbt build the finding is of.';
comment on column marts.steward_worklist.priority is
    '1: fix first (a figure counts the case by a fallback rule until then), 2: other.';
comment on table marts.steward_worklist_summary is
    'Overview of the worklist: its findings per insats, unit, caseworker, field, is_fixable.';
comment on column marts.steward_worklist_summary.insats is
    'Insats of the cases.';
comment on column marts.steward_worklist_summary.unit is
    'Enhet of the cases.';
comment on column marts.steward_worklist_summary.caseworker is
    'Handläggare of the cases.';
comment on column marts.steward_worklist_summary.field is
    'The field (column name) the problems are in.';
comment on column marts.steward_worklist_summary.is_fixable is
    'The cases can still be fixed (see marts.steward_worklist.is_fixable).';
comment on column marts.steward_worklist_summary.findings is
    'Findings (rows of marts.steward_worklist).';
comment on column marts.steward_worklist_summary.findings_on_active_cases is
    'Of them, findings on active cases.';
comment on column marts.steward_worklist_summary.oldest_since_date is
    'The earliest since_date of them.';
comment on column marts.steward_worklist_summary.max_days_open is
    'The longest any of them has been open (days).';
"""


def _drop_worklist_view(con: duckdb.DuckDBPyConnection) -> None:
    """Installations from before the worklist was a table have it as a view."""
    views = con.execute(
        "select count(*) from duckdb_views() "
        "where schema_name = 'marts' and view_name = 'steward_worklist'"
    ).fetchall()
    if views[0][0]:
        con.execute("drop view marts.steward_worklist")


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
        _drop_worklist_view(con)
        con.execute(WORKLIST_SQL)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("new_results")
