"""Values the ingest could not accept (raw.rejects): invalid personnummer, unparsable amounts."""

from __future__ import annotations

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.declarations import SuiteDeclaration
from expectations.run_context import QualityRun
from expectations.sql import literal


def _matches_sql(category: dict) -> str:
    """A category is declared by the action taken (any field), else by its fields."""
    if "actions" in category:
        return f"rejects.action in ({', '.join(literal(a) for a in category['actions'])})"
    fields = ", ".join(literal(field.lower()) for field in category["fields"])
    return f"lower(trim(rejects.field)) in ({fields})"


def _category_sql(parameters: dict) -> str:
    """Which declared category a reject belongs to (fields compared case-insensitively)."""
    whens = " ".join(
        f"when {_matches_sql(c)} then {literal(c['name'])}" for c in parameters["categories"]
    )
    return f"case {whens} end"


def _current_rejects_sql(parameters: dict) -> str:
    kinds = ", ".join(literal(kind) for kind in parameters["source_kinds"])
    return f"""current_rejects as (
        select rejects.*, registry.organisation, registry.extraction_date,
            {_category_sql(parameters)} as category
        from raw.rejects as rejects
        inner join raw.file_registry as registry on rejects.file_id = registry.file_id
        where registry.is_current and rejects.source_kind in ({kinds})
    )"""


def frame(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> pd.DataFrame:
    """Rejects of the suite's source kinds in current deliveries, with their category."""
    return con.sql(f"""with {_current_rejects_sql(declaration.parameters)}
        select source_file, row_number, case_id, field, category from current_rejects""").df()


def build_rejects_suite(declaration: SuiteDeclaration) -> gx.ExpectationSuite:
    """One expectation per declared category: no reject of that category."""
    suite = gx.ExpectationSuite(name=declaration.suite)
    for category in declaration.parameters["categories"]:
        suite.add_expectation(
            gxe.ExpectColumnValuesToNotBeInSet(
                column="category",
                value_set=[category["name"]],
                meta={
                    "name": f"rejects:{category['name']}",
                    "field": category.get("fields", ["*"])[0],
                    "severity": declaration.severity,
                },
            )
        )
    return suite


def findings_sql(declaration: SuiteDeclaration, run: QualityRun) -> str:
    """One row per reject, with insats, unit and caseworker when the row itself was loaded."""
    problems = " ".join(
        f"when {literal(c['name'])} then {literal(c['problem'])}"
        for c in declaration.parameters["categories"]
    )
    return f"""with {_current_rejects_sql(declaration.parameters)}
    select
        'rejects:' || category as "check",
        current_rejects.organisation,
        cases.insats, cases.unit, cases.caseworker,
        current_rejects.case_id,
        current_rejects.field,
        (case category {problems} end) || ' (' || current_rejects.source_file || ', rad '
            || current_rejects.row_number || '): ' || coalesce(current_rejects.reason, '')
            as problem,
        current_rejects.extraction_date as since_date,
        date_diff('day', current_rejects.extraction_date, date {literal(run.as_of)}) as days_open
    from current_rejects
    left join raw.case_enrolments as cases
        on current_rejects.file_id = cases.file_id
        and current_rejects.row_number = cases.row_number
    where category is not null
    """
