"""The published warehouse explains itself to an analyst: every table, view and column has
its description (COMMENT ON: dbt persists the YAML descriptions of models, seeds, the
snapshot and the raw sources; the ingest's and publication's own tables comment themselves),
and every code a column holds is explained in marts.code_lists."""

from __future__ import annotations

from pathlib import Path

import duckdb

UNDESCRIBED_TABLES = """
    select schema_name || '.' || table_name
    from duckdb_tables()
    where database_name = current_database() and coalesce(trim(comment), '') = ''
    union all
    select schema_name || '.' || view_name
    from duckdb_views()
    where database_name = current_database() and not internal
        and coalesce(trim(comment), '') = ''
    order by 1
"""

UNDESCRIBED_COLUMNS = """
    select schema_name || '.' || table_name || '.' || column_name
    from duckdb_columns()
    where database_name = current_database() and not internal
        and coalesce(trim(comment), '') = ''
    order by 1
"""


def _values(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list:
    return [row[0] for row in con.execute(sql, list(params)).fetchall()]


def test_every_table_and_column_of_the_published_warehouse_is_described(
    demo_warehouse: Path,
) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        tables = _values(con, UNDESCRIBED_TABLES)
        columns = _values(con, UNDESCRIBED_COLUMNS)
    assert tables == [], "tables without a description (dbt_project/**/_*.yml)"
    assert columns == [], "columns without a description (dbt_project/**/_*.yml)"


def test_the_descriptions_are_the_yaml_ones(demo_warehouse: Path) -> None:
    """Shared descriptions ({{ doc() }}) arrive rendered, in the published copy too."""
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        [referrer] = _values(
            con,
            "select comment from duckdb_columns() "
            "where schema_name = 'marts' and table_name = 'enrolments' "
            "and column_name = 'referrer'",
        )
        [catalogue] = _values(
            con,
            "select comment from duckdb_tables() "
            "where schema_name = 'marts' and table_name = 'figure_catalog'",
        )
    assert "earliest Remissdatum" in referrer
    assert catalogue.startswith("Nyckeltalskatalogen")


def test_every_code_a_column_holds_is_explained_in_the_code_lists(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        listed = con.execute(
            "select distinct code_list, unnest(used_in) from marts.code_lists order by all"
        ).fetchall()
        unexplained = {}
        for code_list, qualified in listed:
            schema, table, column = qualified.split(".")
            values = _values(
                con,
                f"select distinct cast({column} as varchar) from {schema}.{table} "
                f"where {column} is not null "
                "except select code from marts.code_lists where code_list = ?",
                code_list,
            )
            if values:
                unexplained[qualified] = values
    assert {code_list for code_list, _ in listed} >= {
        "avslutsorsak",
        "forsorjning",
        "sysselsattning",
        "remittent",
    }
    assert unexplained == {}
