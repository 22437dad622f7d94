with

units as (
    select * from {{ source('raw', 'unit_municipalities') }}
),

final as (
    select
        trim(unit) as unit,
        cast(municipality_code as varchar) as municipality_code,
        municipality_name
    from units
)

select * from final
