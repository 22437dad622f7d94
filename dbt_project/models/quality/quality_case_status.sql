{#- Whether a case's findings can still be fixed: the case is active, or closed within
    var worklist_fixable_days of the run's as_of. The worklist shows these by default
    (marts.steward_worklist is_fixable); a case closed long ago is rarely corrected. -#}
with

case_rows as (
    select * from {{ ref('quality_case_rows') }}
),

cases as (
    select
        organisation,
        case_id,
        any_value(as_of) as as_of,
        bool_or(exit_date is null) as is_active,
        max(exit_date) as last_exit_date
    from case_rows
    group by organisation, case_id
),

final as (
    select
        organisation,
        case_id,
        case when is_active then 'aktivt' else 'avslutat' end as case_status,
        case when not is_active then last_exit_date end as exit_date,
        is_active
        or last_exit_date >= as_of - {{ var('worklist_fixable_days') }} as is_fixable,
        {{ var('worklist_fixable_days') }} as fixable_days
    from cases
)

select * from final
