{#- Budget mot prognos per insats (and 'Alla insatser') × year × month end × cost line
    (see macro budget_status_rows for each figure's definition). -#}

with

budget_lines as (
    select * from {{ ref('stg_raw__budget_lines') }}
),

costs as (
    select * from {{ ref('int_ledger_costs_mapped') }}
),

forecasts as (
    select * from {{ ref('stg_raw__forecast_lines') }}
),

years as (
    select distinct
        insats,
        year
    from budget_lines
    union
    select distinct
        insats,
        year(booking_date) as year
    from costs
    where {{ is_insats_cost('costs') }}
),

scopes as (
    select
        insats,
        year
    from years
    union
    select
        'Alla insatser' as insats,
        year
    from years
),

requests as (
    select
        scopes.insats,
        last_day(make_date(scopes.year, months.month_number, 1)) as as_of_date
    from scopes
    cross join generate_series(1, 12) as months (month_number)
),

final as (
    {{ budget_status_rows('requests', 'budget_lines', 'costs', 'forecasts') }}
)

select * from final
