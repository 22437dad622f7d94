"""SQL shared by the suites: current case rows, label normalisation, the code lists."""

from __future__ import annotations

from pathlib import Path

import duckdb

MISREGISTRATION_CODE = "Felregistrering"


def normalised(expression: str) -> str:
    """A label as the code_labels seed stores it: lower case, trimmed, inner spaces collapsed."""
    return f"lower(regexp_replace(trim(cast({expression} as varchar)), '\\s+', ' ', 'g'))"


def literal(value: object) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def accepted_labels(seed: Path) -> dict[str, tuple[str, ...]]:
    """Per code list, every accepted normalised label: the seed's labels and its codes.

    Read at every run (a few dozen lines), so an edited seed counts from the next run on.
    """
    rows = duckdb.sql(
        f"""select code_list, list(distinct label order by label)
        from (
            select code_list, label from read_csv({literal(seed)}, all_varchar = true)
            union
            select code_list, {normalised("code")}
            from read_csv({literal(seed)}, all_varchar = true)
        )
        group by code_list"""
    ).fetchall()
    return {code_list: tuple(labels) for code_list, labels in rows}


def label_key(expression: str) -> str:
    """`normalised`, with the regular expression only for values with doubled spaces or tabs."""
    text = f"cast({expression} as varchar)"
    return (
        f"(case when contains({text}, '  ') or contains({text}, chr(9)) "
        f"then {normalised(expression)} else lower(trim({text})) end)"
    )


def matches_labels(expression: str, labels: tuple[str, ...]) -> str:
    """True when the value is one of the normalised labels (null when the value is null)."""
    listed = ", ".join(literal(label) for label in labels) or "null"
    return f"({label_key(expression)} in ({listed}))"


def is_known_label(expression: str, code_list: str, seed: Path) -> str:
    """True when the value is an accepted label of the code list."""
    return matches_labels(expression, accepted_labels(seed).get(code_list, ()))


def _misregistration_labels(seed: Path) -> tuple[str, ...]:
    rows = duckdb.sql(
        f"select label from read_csv({literal(seed)}, all_varchar = true) "
        f"where code_list = 'avslutsorsak' and code = {literal(MISREGISTRATION_CODE)}"
    ).fetchall()
    return tuple(label for (label,) in rows) + (MISREGISTRATION_CODE.lower(),)


def current_cases_cte(seed: Path) -> str:
    """Case rows of current deliveries, wrongly registered enrolments left out (as in dbt)."""
    misregistered = matches_labels("delivered.exit_reason", _misregistration_labels(seed))
    return f"""current_cases as (
        select delivered.*
        from raw.case_enrolments as delivered
        inner join raw.file_registry as registry on delivered.file_id = registry.file_id
        where registry.is_current
            and registry.status = 'loaded'
            and not coalesce({misregistered}, false)
    )"""
