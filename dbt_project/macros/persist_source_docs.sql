{#- The sources' descriptions (_raw__sources.yml) as COMMENT ON TABLE / COLUMN, as
    persist_docs does for the models, seeds and the snapshot: the ingest creates these
    tables, never dbt, so no materialisation comments them. An on-run-end hook, so a table
    or column the ingest added since is described on the next build; a table or column not
    (yet) in the database is skipped. The columns present are read with run_query, which
    opens no transaction: the hook's statements then commit as they run (a relation lookup
    would open one, which dbt rolls back after the hook). -#}
{% macro persist_source_docs() %}
    {%- if execute -%}
        {%- set present = run_query(
            "select table_schema || '.' || table_name, column_name"
            ~ " from information_schema.columns where table_catalog = '" ~ target.database ~ "'"
        ) -%}
        {%- set present_tables = present.columns[0].values() -%}
        {%- set present_columns = [] -%}
        {%- for row in present.rows -%}
            {%- do present_columns.append(row[0] ~ '.' ~ row[1]) -%}
        {%- endfor -%}
        {%- for source in graph.sources.values() -%}
            {%- set table = source.schema ~ '.' ~ source.identifier -%}
            {%- if table in present_tables %}
    comment on table {{ table }} is {{ duckdb_escape_comment(source.description) }};
                {%- for column in source.columns.values() -%}
                    {%- if (table ~ '.' ~ column.name) in present_columns %}
    comment on column {{ table }}.{{ adapter.quote(column.name) }}
        is {{ duckdb_escape_comment(column.description) }};
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor %}
    select 1;
    {%- endif -%}
{% endmacro %}
