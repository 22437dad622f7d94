{#- The rows of a raw table that belong to current files: a later delivery of the same
    source kind and organisation supersedes the earlier one (raw.file_registry.is_current),
    while the raw layer keeps the history. -#}
{% macro current_file_rows(table_name) -%}
    select delivered.*
    from {{ source('raw', table_name) }} as delivered
    inner join {{ source('raw', 'file_registry') }} as registry
        on delivered.file_id = registry.file_id
    where registry.is_current and registry.status = 'loaded'
{%- endmacro %}
