{#- Cost (kostnad, utfall) of any periods: ledger costs booked in the period on an
    insats' ledger project (macro is_insats_cost). Costs have no unit, so only requests for
    'Alla enheter' get a cost. Used by marts.period_summary() and stated_figure_checks;
    marts.cost_per_participant sums the same rows by month. The costs are summed per insats
    and day first (exact: the amounts are decimals): each request reads days, not the
    ledger's rows (50 million joined rows at 1 000 000 participants). -#}
{% macro cost_figures(requests, costs) -%}
    select
        requests.request_id,
        sum(daily_costs.amount) as cost
    from {{ requests }} as requests
    inner join (
        select
            costs.insats,
            costs.booking_date,
            sum(costs.amount) as amount
        from {{ costs }} as costs
        where {{ is_insats_cost('costs') }}
        group by costs.insats, costs.booking_date
    ) as daily_costs
        on
            (requests.insats = 'Alla insatser' or requests.insats = daily_costs.insats)
            and requests.unit = 'Alla enheter'
            and daily_costs.booking_date between requests.period_start and requests.period_end
    group by requests.request_id
{%- endmacro %}
