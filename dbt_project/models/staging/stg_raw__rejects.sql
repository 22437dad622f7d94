with

rejects as (
    select * from {{ source('raw', 'rejects') }}
),

final as (
    select
        file_id,
        source_file,
        source_kind,
        cast(row_number as integer) as row_number,
        field,
        reason,
        action,
        cast(case_id as varchar) as case_id,
        logged_at
    from rejects
)

select * from final
