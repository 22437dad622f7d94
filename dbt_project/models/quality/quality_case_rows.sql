{#- The case rows the case-level quality models check: the current rows of
    int_case_rows_mapped without Felregistrering (excluded everywhere), with the run's
    as_of. Ephemeral: a shared import, no table of its own. -#}
{{ config(materialized='ephemeral') }}

with

case_rows as (
    select * from {{ ref('int_case_rows_mapped') }}
),

quality_run as (
    select * from {{ ref('quality_run') }}
),

final as (
    select
        case_rows.*,
        quality_run.as_of
    from case_rows
    cross join quality_run
    where not case_rows.is_wrongly_registered
)

select * from final
