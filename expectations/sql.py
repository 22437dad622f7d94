"""SQL shared by the suites: current case rows, label normalisation, the code lists."""

from __future__ import annotations

from pathlib import Path

MISREGISTRATION_CODE = "Felregistrering"


def normalised(expression: str) -> str:
    """A label as the code_labels seed stores it: lower case, trimmed, inner spaces collapsed."""
    return f"lower(regexp_replace(trim(cast({expression} as varchar)), '\\s+', ' ', 'g'))"


def literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def code_labels_cte(seed: Path) -> str:
    """The accepted labels of every code list: the seed's labels and its canonical codes."""
    return f"""code_labels as (
        select code_list, label, code
        from read_csv({literal(str(seed))}, header = true, all_varchar = true)
        union
        select code_list, {normalised("code")}, code
        from read_csv({literal(str(seed))}, header = true, all_varchar = true)
    )"""


def current_cases_cte(seed: Path) -> str:
    """Case rows of current deliveries, wrongly registered enrolments left out (as in dbt)."""
    return f"""{code_labels_cte(seed)},
    current_cases as (
        select delivered.*
        from raw.case_enrolments as delivered
        inner join raw.file_registry as registry on delivered.file_id = registry.file_id
        where registry.is_current
            and registry.status = 'loaded'
            and coalesce({normalised("delivered.exit_reason")}, '') not in (
                select label from code_labels
                where code_list = 'avslutsorsak' and code = {literal(MISREGISTRATION_CODE)}
            )
    )"""
