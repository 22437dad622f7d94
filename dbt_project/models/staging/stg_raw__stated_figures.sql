with

stated as (
    select * from {{ source('raw', 'stated_figures') }}
),

final as (
    select
        trim(insats) as insats,
        nullif(trim(unit), '') as unit,
        figure,
        cast(period_from as date) as period_from,
        cast(period_to as date) as period_to,
        cast(stated_value as double) as stated_value,
        source
    from stated
)

select * from final
