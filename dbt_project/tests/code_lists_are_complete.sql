{{ config(meta={'dagster': {'ref': {'name': 'code_lists'}}}) }}
-- depends_on: {{ ref('enrolments') }}
-- depends_on: {{ ref('esf_participants') }}
-- depends_on: {{ ref('int_case_rows_mapped') }}
-- depends_on: {{ ref('participant_timeline') }}
-- depends_on: {{ ref('stg_raw__esf_participants') }}
-- depends_on: {{ ref('support_panel') }}
{#- marts.code_lists explains every code a delivered label can map onto (each code of
    seed code_labels has a meaning), every code list it shows is named (seed code_list_names),
    and every column it says holds a list's codes is a real column (schema.table.column):
    a renamed column or a new code cannot leave the analysts' code lists behind. #}

with

code_lists as (
    select * from {{ ref('code_lists') }}
),

mapped_codes as (
    select distinct
        code_list,
        code
    from {{ ref('code_labels') }}
),

warehouse_columns as (
    select table_schema || '.' || table_name || '.' || column_name as qualified_column
    from information_schema.columns
),

used_in as (
    select distinct
        code_list,
        unnest(used_in) as qualified_column
    from code_lists
),

final as (
    select
        mapped_codes.code_list,
        mapped_codes.code as problem
    from mapped_codes
    anti join code_lists
        on mapped_codes.code_list = code_lists.code_list and mapped_codes.code = code_lists.code
    union all
    select
        code_list,
        'no code list label' as problem
    from code_lists
    where code_list_label is null
    union all
    select
        used_in.code_list,
        used_in.qualified_column as problem
    from used_in
    anti join warehouse_columns
        on used_in.qualified_column = warehouse_columns.qualified_column
)

select * from final
