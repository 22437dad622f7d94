with

targets as (
    select * from {{ source('raw', 'insats_targets') }}
),

final as (
    select
        trim(insats) as insats,
        trim(figure) as figure_id,
        cast(target as double) as target
    from targets
)

select * from final
