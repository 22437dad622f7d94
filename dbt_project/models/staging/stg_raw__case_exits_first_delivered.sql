{#- For every current case row delivered with an exit reason but an unreadable Avslutsdatum:
    the extraction date of the first delivery, current or superseded, that showed an exit
    reason for the case. The latest day the exit can have happened on
    (int_case_rows_mapped counts it then). -#}

with

unreadable as (
    select distinct
        source_kind,
        organisation,
        cast(case_id as varchar) as case_id
    from ({{ current_file_rows('case_enrolments') }})
    where
        list_contains(nulled_fields, 'exit_date')
        and nullif(trim(exit_reason), '') is not null
),

delivered as (
    select
        case_rows.source_kind,
        case_rows.organisation,
        cast(case_rows.case_id as varchar) as case_id,
        cast(case_rows.extraction_date as date) as extraction_date
    from {{ source('raw', 'case_enrolments') }} as case_rows
    inner join {{ source('raw', 'file_registry') }} as registry
        on case_rows.file_id = registry.file_id
    where registry.status = 'loaded' and nullif(trim(case_rows.exit_reason), '') is not null
),

final as (
    select
        unreadable.source_kind,
        unreadable.organisation,
        unreadable.case_id,
        min(delivered.extraction_date) as first_delivered_with_exit
    from unreadable
    inner join delivered
        on
            unreadable.source_kind = delivered.source_kind
            and unreadable.organisation = delivered.organisation
            and unreadable.case_id = delivered.case_id
    group by unreadable.source_kind, unreadable.organisation, unreadable.case_id
)

select * from final
