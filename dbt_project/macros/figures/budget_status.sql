{#- Budget against prognosis (budget mot prognos) per cost line on any dates: `requests`
    has insats and as_of_date. For the budget year of as_of_date:
      budget, actual_to_date (utfall from 1 January to as_of_date, ledger costs of the
      budget line's project and cost line), difference (differens) = budget - actual,
      full_year_forecast (helårsprognos) of the latest forecast made on or before
      as_of_date in that year, forecast_result (prognostiserat resultat) = budget -
      forecast (positive = surplus).
    Used by marts.budget_vs_forecast (month ends) and marts.budget_status(). -#}
{% macro budget_status_rows(requests, budget_lines, costs, forecasts) -%}
    with

    budget as (
        select
            year,
            insats,
            project,
            cost_line,
            sum(budget) as budget
        from {{ budget_lines }}
        group by year, insats, project, cost_line
    ),

    lines as (
        select
            requests.insats,
            requests.as_of_date,
            budget.project,
            budget.year,
            budget.cost_line,
            budget.budget
        from {{ requests }} as requests
        inner join budget
            on
                requests.insats = budget.insats
                and year(requests.as_of_date) = budget.year
    ),

    actuals as (
        select
            lines.insats,
            lines.as_of_date,
            lines.project,
            lines.cost_line,
            sum(costs.amount) as actual_to_date
        from lines
        inner join {{ costs }} as costs
            on
                lines.project = costs.project
                and lines.cost_line = costs.cost_line
                and costs.booking_date between make_date(lines.year, 1, 1) and lines.as_of_date
        group by lines.insats, lines.as_of_date, lines.project, lines.cost_line
    ),

    forecasts as (
        select
            insats,
            cost_line,
            year(forecast_date) as forecast_year,
            forecast_date,
            sum(full_year_forecast) as full_year_forecast
        from {{ forecasts }}
        group by insats, cost_line, forecast_date
    )

    select
        lines.insats,
        lines.project,
        lines.year,
        lines.as_of_date,
        lines.cost_line,
        cast(lines.budget as decimal(18, 2)) as budget,
        cast(coalesce(actuals.actual_to_date, 0) as decimal(18, 2)) as actual_to_date,
        cast(lines.budget - coalesce(actuals.actual_to_date, 0) as decimal(18, 2)) as difference,
        cast(forecasts.full_year_forecast as decimal(18, 2)) as full_year_forecast,
        forecasts.forecast_date,
        cast(lines.budget - forecasts.full_year_forecast as decimal(18, 2)) as forecast_result
    from lines
    left join actuals
        on
            lines.insats = actuals.insats
            and lines.as_of_date = actuals.as_of_date
            and lines.project is not distinct from actuals.project
            and lines.cost_line = actuals.cost_line
    asof left join forecasts
        on
            lines.insats = forecasts.insats
            and lines.cost_line = forecasts.cost_line
            and lines.year = forecasts.forecast_year
            and lines.as_of_date >= forecasts.forecast_date
{%- endmacro %}
