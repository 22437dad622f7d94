{#- Schemas are exactly staging, intermediate, marts, snapshots (no target prefix), as
    ARCHITECTURE.md promises analysts. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
