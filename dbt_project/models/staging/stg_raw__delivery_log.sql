with

delivery_log as (
    select * from {{ source('raw', 'delivery_log') }}
),

final as (
    select
        run_id,
        file_id,
        file_name,
        outcome,
        reason,
        handled_at
    from delivery_log
)

select * from final
