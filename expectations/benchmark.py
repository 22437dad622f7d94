"""Time every suite at a million enrolments on a synthetic DuckDB file.

    python -m expectations.benchmark --rows 1000000 [--db /tmp/quality_bench.duckdb]

The rows are generated in SQL with a few per cent of planted gaps and errors, so the suites
and their findings do real work. Prints seconds per suite (pull, build, validate), for writing
quality.* (findings by SQL) and the Data Docs, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from expectations.declarations import load_declarations
from expectations.run_context import QualityRun
from expectations.runner import build_data_docs, ephemeral_context, run_suite
from expectations.store import write_outcomes
from pipelines.ingest.schema import ensure_raw_schema

AS_OF = date(2026, 11, 23)
INSATSER = ["Samverkan", "Unga", "Arbetsträning", "Språkstöd", "Nordost"]

SYNTHETIC_SQL = """
insert into raw.file_registry by name
select 'f' || organisation as file_id, 'gwa_' || organisation || '_20261101.csv' as file_name,
    'gwa' as source_kind, organisation, date '2026-11-01' as extraction_date,
    true as is_current, 'loaded' as status
from (values ('hassleholm'), ('kristianstad')) as orgs(organisation);

insert into raw.insats_config by name
select insats, ['assessment_date', 'education_level', 'birth_region', 'work_experience',
    'years_on_public_support', 'physical_health', 'mental_health', 'language_support_need',
    'work_capacity'] as mandatory_fields, 30 as grace_days, 0.8 as completeness_threshold
from unnest({insatser}) as names(insats);

insert into raw.case_enrolments by name
select
    case when i % 2 = 0 then 'fhassleholm' else 'fkristianstad' end as file_id,
    'gwa.csv' as source_file, cast(i as integer) as row_number,
    case when i % 2 = 0 then 'hassleholm' else 'kristianstad' end as organisation,
    date '2026-11-01' as extraction_date, 'gwa' as source_kind,
    'C' || i as case_id, md5(cast(i % ({rows} - 5000) as varchar)) as person_id,
    false as is_protected_identity,
    {insatser}[1 + i % 5] as insats,
    ['Hässleholm', 'Kristianstad', 'Osby'][1 + i % 3] as unit,
    'HL' || lpad(cast(i % 40 as varchar), 2, '0') as caseworker,
    case when i % 997 = 0 then 'Kriminalvården'
        else ['Arbetsförmedlingen', 'Försäkringskassan', 'Socialtjänst'][1 + i % 3] end as referrer,
    date '2018-01-01' + cast(i % 3000 as integer) as referral_date,
    date '2018-01-01' + cast(i % 3000 as integer) + 14 - (i % 1999 = 0)::int * 30
        as enrolment_date,
    case when i % 3 = 0 then date '2018-01-01' + cast(i % 3000 as integer) + 200 end as exit_date,
    case when i % 3 = 0 then ['Arbete', 'Studier', 'Avbrott', 'Annat'][1 + i % 4] end
        as exit_reason,
    16 + cast(i % 49 as integer) + (i % 4999 = 0)::int * 10 as age_at_enrolment,
    'Försörjningsstöd' as income_source_at_enrolment, 100 as income_extent_at_enrolment,
    date '2018-01-01' + cast(i % 3000 as integer) + 40 as assessment_date,
    case when i % 11 = 0 then 'Uppgift saknas' else 'Gymnasial' end as education_level,
    case when i % 13 = 0 then '' else 'Sverige' end as birth_region,
    'Under 2 år' as work_experience,
    case when i % 17 <> 0 then 3 end as years_on_public_support,
    case when i % 7 = 0 then 'Ej bedömd' else 'Nej' end as physical_health,
    'Ja' as mental_health, 'Nej' as language_support_need, 'Delvis' as work_capacity
from range({rows}) as numbers(i);

create schema if not exists marts;
create table marts.period_flows as
select insats, unit, 'month' as period_type, strftime(month, '%Y-%m') as period_label,
    10 as active_at_start, 5 as enrolled, 4 as exited, 11 as active_at_end, 15 as served
from unnest({insatser}) as names(insats),
    unnest(['Hässleholm', 'Kristianstad', 'Osby', 'Alla enheter']) as units(unit),
    range(date '2018-01-01', date '2026-11-01', interval 1 month) as months(month);
create table marts.enrolments as
select 'e' || i as enrolment_id, 'k' || i as person_key, 'Samverkan' as insats,
    'Hässleholm' as unit, 'HL01' as caseworker, ['C' || i] as case_ids
from range(50000) as numbers(i);
create table marts.scb_reconciliation as
select '2019-301012' || (i % 2) as esf_project, 'Samverkan' as insats, 'k' || i as person_key,
    true as in_case_system, i % 12 <> 0 as in_scb,
    case when i % 12 = 0 then 'only_case_system' else 'both' end as status
from range(50000) as numbers(i);
create table marts.stated_figure_checks as
select 'Samverkan' as insats, null as unit, 'cost_per_participant' as figure,
    17227.0 as stated_value, 17230.0 as computed_value, -3.0 as difference,
    true as is_consistent;
"""


def build(db: Path, rows: int) -> None:
    """A work database with `rows` synthetic enrolments and marts to match."""
    with duckdb.connect(str(db)) as con:
        ensure_raw_schema(con)
        con.execute(SYNTHETIC_SQL.format(rows=rows, insatser=INSATSER))


def measure(db: Path, docs_dir: Path) -> dict[str, float]:
    """Seconds per suite, then for writing the tables and the Data Docs, as the asset runs."""
    run = QualityRun(as_of=AS_OF, run_at=datetime.now(UTC))
    context = ephemeral_context()
    seconds, outcomes = {}, []
    with duckdb.connect(str(db)) as con:
        for declaration in load_declarations():
            started = time.perf_counter()
            outcomes.append(run_suite(con, declaration, run, context))
            seconds[declaration.suite] = time.perf_counter() - started
            print(f"{declaration.suite:28} {seconds[declaration.suite]:6.2f} s")
        started = time.perf_counter()
        write_outcomes(con, outcomes)
        seconds["write quality.*"] = time.perf_counter() - started
        findings = con.execute("select count(*) from quality.quality_findings").fetchall()[0][0]
        print(f"{'write quality.*':28} {seconds['write quality.*']:6.2f} s  {findings} findings")
    started = time.perf_counter()
    build_data_docs(context, docs_dir)
    seconds["data docs"] = time.perf_counter() - started
    print(f"{'data docs':28} {seconds['data docs']:6.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m expectations.benchmark", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "quality_bench.duckdb"
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        build(db, args.rows)
        print(f"built {args.rows} enrolments in {time.perf_counter() - started:.1f} s")
        total = sum(measure(db, Path(scratch) / "data_docs").values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"quality run: {total:.1f} s at {args.rows} enrolments, peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
