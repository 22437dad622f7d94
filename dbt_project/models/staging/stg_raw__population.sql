with

delivered as (
    {{ current_file_rows('population') }}
),

final as (
    select
        file_id,
        cast(region_code as varchar) as municipality_code,
        region_name as municipality_name,
        age_band,
        cast(age_from as integer) as age_from,
        cast(age_to as integer) as age_to,
        gender,
        cast(year as integer) as year,
        cast(population as integer) as population
    from delivered
)

select * from final
