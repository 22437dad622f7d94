"""Validity of delivered case rows: date order, no future dates, ranges, code lists."""

from __future__ import annotations

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.declarations import SuiteDeclaration, field_label
from expectations.run_context import QualityRun
from expectations.sql import current_cases_cte, is_known_label, literal


def _date_columns(parameters: dict) -> list[str]:
    ordered = [column for pair in parameters["date_order"] for column in pair.values()]
    return list(dict.fromkeys(ordered + parameters["no_future_dates"]))


def _unknown_label(column: str, code_list: str, run: QualityRun) -> str:
    """The delivered label when it is on no accepted label of its code list, else null."""
    known = is_known_label(column, code_list, run.code_labels)
    return f"case when nullif(trim({column}), '') is not null and not {known} then {column} end"


def frame(
    con: duckdb.DuckDBPyConnection, declaration: SuiteDeclaration, run: QualityRun
) -> pd.DataFrame:
    """Dates and numbers as delivered; coded columns only where their label is unknown.

    Known labels come back as null, so a million rows cost no million strings in Python;
    which cases break a rule is the findings' job, so no case id is pulled either.
    """
    parameters = declaration.parameters
    columns = [f"cast({column} as timestamp) as {column}" for column in _date_columns(parameters)]
    columns += list(parameters["ranges"])
    columns += [
        f"{_unknown_label(column, code_list, run)} as {column}"
        for column, code_list in parameters["vocabularies"].items()
    ]
    select = ", ".join(columns)
    frame = con.sql(
        f"with {current_cases_cte(run.code_labels)} select {select} from current_cases"
    ).df()
    for column in parameters["vocabularies"]:
        frame[column] = frame[column].astype("category")  # GX copies codes, not strings
    return frame


def _meta(name: str, column: str, declaration: SuiteDeclaration) -> dict:
    return {"name": name, "field": column, "severity": declaration.severity}


def build_case_enrolments_validity_suite(
    declaration: SuiteDeclaration, run: QualityRun
) -> gx.ExpectationSuite:
    """Pairs of dates in order, dates not after the run day, ranges, labels on code lists."""
    parameters = declaration.parameters
    suite = gx.ExpectationSuite(name=declaration.suite)
    for pair in parameters["date_order"]:
        earlier, later = pair["earlier"], pair["later"]
        suite.add_expectation(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=later,
                column_B=earlier,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta=_meta(f"date_order:{earlier}<={later}", later, declaration),
            )
        )
    for column in parameters["no_future_dates"]:
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeBetween(
                column=column,
                max_value=pd.Timestamp(run.as_of),
                meta=_meta(f"not_future:{column}", column, declaration),
            )
        )
    for column, bounds in parameters["ranges"].items():
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeBetween(
                column=column,
                min_value=bounds["min"],
                max_value=bounds["max"],
                meta=_meta(f"range:{column}", column, declaration),
            )
        )
    for column in parameters["vocabularies"]:
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeNull(
                column=column, meta=_meta(f"vocabulary:{column}", column, declaration)
            )
        )
    return suite


def _violations(parameters: dict, run: QualityRun) -> list[tuple[str, str, str, str]]:
    """(check, field, condition, problem expression) for every declared rule."""
    as_of = f"date {literal(run.as_of)}"
    rules = []
    for pair in parameters["date_order"]:
        earlier, later = pair["earlier"], pair["later"]
        problem = f"{field_label(later)} före {field_label(earlier)}"
        rules.append(
            (f"date_order:{earlier}<={later}", later, f"{later} < {earlier}", literal(problem))
        )
    for column in parameters["no_future_dates"]:
        problem = f"{field_label(column)} ligger i framtiden ("
        rules.append(
            (
                f"not_future:{column}",
                column,
                f"{column} > {as_of}",
                f"{literal(problem)} || cast({column} as varchar) || ')'",
            )
        )
    for column, bounds in parameters["ranges"].items():
        low, high = bounds["min"], bounds["max"]
        problem = f"{field_label(column)} utanför {low}-{high}: "
        rules.append(
            (
                f"range:{column}",
                column,
                f"{column} not between {low} and {high}",
                f"{literal(problem)} || cast({column} as varchar)",
            )
        )
    for column, code_list in parameters["vocabularies"].items():
        problem = f"{field_label(column)}: okänd kod '"
        rules.append(
            (
                f"vocabulary:{column}",
                column,
                f"{_unknown_label(column, code_list, run)} is not null",
                f"{literal(problem)} || {column} || ''''",
            )
        )
    return rules


def findings_sql(declaration: SuiteDeclaration, run: QualityRun) -> str:
    """One row per case row and broken rule, open since the delivery that carried it."""
    selects = [
        f"""select {literal(check)} as "check", organisation, insats, unit, caseworker,
            case_id, {literal(column)} as field, {problem} as problem,
            extraction_date as since_date
        from current_cases where {condition}"""
        for check, column, condition, problem in _violations(declaration.parameters, run)
    ]
    union = "\nunion all\n".join(selects)
    return f"""with {current_cases_cte(run.code_labels)},
    violations as ({union})
    select *, date_diff('day', since_date, date {literal(run.as_of)}) as days_open
    from violations"""
