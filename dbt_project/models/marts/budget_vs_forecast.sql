{#- Budget mot prognos per insats × year × month end × cost line (see macro
    budget_status_rows for each figure's definition). -#}

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

requests as (
    select distinct
        budget_lines.insats,
        last_day(make_date(budget_lines.year, months.month_number, 1)) as as_of_date
    from budget_lines
    cross join generate_series(1, 12) as months (month_number)
),

final as (
    {{ budget_status_rows('requests', 'budget_lines', 'costs', 'forecasts') }}
)

select * from final
