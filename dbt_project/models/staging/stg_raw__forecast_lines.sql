with

delivered as (
    {{ current_file_rows('forecast_lines') }}
),

final as (
    select
        file_id,
        cast(forecast_date as date) as forecast_date,
        trim(insats) as insats,
        trim(cast(project as varchar)) as project,
        trim(cost_line) as cost_line,
        cast(full_year_forecast as decimal(18, 2)) as full_year_forecast
    from delivered
)

select * from final
