{#- Budget against prognosis (budget mot prognos) per cost line on any dates: `requests`
    has insats ('Alla insatser' sums every insats) and as_of_date. For the budget year of
    as_of_date, over all ledger projects of the insats:
      budget; actual_to_date (utfall from 1 January to as_of_date of the costs on the
      insats' projects, macro is_insats_cost); difference (differens) = budget - actual;
      budget_at_even_pace = budget × the months passed / 12;
      full_year_forecast (helårsprognos) of the latest forecast made on or before
      as_of_date in that year; forecast_result (prognostiserat resultat) = budget -
      forecast (positive = surplus). A cost line with costs but no budget line has budget 0
      and has_budget_line false, so no cost is dropped. Cost line 'Totalt' sums the lines
    (its forecast sums the lines that have one).
    Used by marts.budget_vs_forecast (month ends) and marts.budget_status(). -#}
{% macro budget_status_rows(requests, budget_lines, costs, forecasts) -%}
    with

    insats_costs as (
        select
            insats,
            cost_line,
            booking_date,
            amount
        from {{ costs }} as costs
        where {{ is_insats_cost('costs') }}
    ),

    budgets as (
        select
            insats,
            year,
            cost_line,
            sum(budget) as budget
        from {{ budget_lines }}
        group by insats, year, cost_line
    ),

    forecast_totals as (
        select
            insats,
            cost_line,
            year(forecast_date) as forecast_year,
            forecast_date,
            sum(full_year_forecast) as full_year_forecast
        from {{ forecasts }}
        group by insats, cost_line, forecast_date
    ),

    lines as (
        select
            insats,
            year,
            cost_line
        from budgets
        union
        select
            insats,
            year(booking_date) as year,
            cost_line
        from insats_costs
    ),

    requested_lines as (
        select
            requests.insats as requested_insats,
            requests.as_of_date,
            lines.insats,
            lines.year,
            lines.cost_line
        from {{ requests }} as requests
        inner join lines
            on
                (requests.insats = 'Alla insatser' or requests.insats = lines.insats)
                and year(requests.as_of_date) = lines.year
    ),

    actuals as (
        select
            requested_lines.requested_insats,
            requested_lines.as_of_date,
            requested_lines.insats,
            requested_lines.cost_line,
            sum(insats_costs.amount) as actual_to_date
        from requested_lines
        inner join insats_costs
            on
                requested_lines.insats = insats_costs.insats
                and requested_lines.cost_line = insats_costs.cost_line
                and insats_costs.booking_date
                between make_date(requested_lines.year, 1, 1) and requested_lines.as_of_date
        group by all
    ),

    line_figures as (
        select
            requested_lines.requested_insats,
            requested_lines.as_of_date,
            requested_lines.year,
            requested_lines.cost_line,
            budgets.budget is not null as has_budget_line,
            coalesce(budgets.budget, 0) as budget,
            coalesce(actuals.actual_to_date, 0) as actual_to_date,
            forecast_totals.full_year_forecast,
            forecast_totals.forecast_date
        from requested_lines
        left join budgets
            on
                requested_lines.insats = budgets.insats
                and requested_lines.year = budgets.year
                and requested_lines.cost_line = budgets.cost_line
        left join actuals
            on
                requested_lines.requested_insats = actuals.requested_insats
                and requested_lines.as_of_date = actuals.as_of_date
                and requested_lines.insats = actuals.insats
                and requested_lines.cost_line = actuals.cost_line
        asof left join forecast_totals
            on
                requested_lines.insats = forecast_totals.insats
                and requested_lines.cost_line = forecast_totals.cost_line
                and requested_lines.year = forecast_totals.forecast_year
                and requested_lines.as_of_date >= forecast_totals.forecast_date
    )

    select
        requested_insats as insats,
        year,
        as_of_date,
        coalesce(cost_line, 'Totalt') as cost_line,
        bool_or(has_budget_line) as has_budget_line,
        cast(sum(budget) as decimal(18, 2)) as budget,
        cast(sum(actual_to_date) as decimal(18, 2)) as actual_to_date,
        cast(sum(budget) - sum(actual_to_date) as decimal(18, 2)) as difference,
        cast(sum(budget) * month(as_of_date) / 12 as decimal(18, 2)) as budget_at_even_pace,
        cast(sum(full_year_forecast) as decimal(18, 2)) as full_year_forecast,
        max(forecast_date) as forecast_date,
        cast(sum(budget) - sum(full_year_forecast) as decimal(18, 2)) as forecast_result
    from line_figures
    {#- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa. #}
    group by grouping sets (  /* noqa: PRS */
        (requested_insats, year, as_of_date, cost_line), (requested_insats, year, as_of_date)
    )
{%- endmacro %}
