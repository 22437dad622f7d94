{#- Cost (kostnad, utfall) of any periods: ledger costs booked in the period on an
    insats' ledger project (macro is_insats_cost). Costs have no unit, so only requests for
    'Alla enheter' get a cost. Used by marts.period_summary() and stated_figure_checks;
    marts.cost_per_participant sums the same rows by month. -#}
{% macro cost_figures(requests, costs) -%}
    select
        requests.request_id,
        sum(costs.amount) as cost
    from {{ requests }} as requests
    inner join {{ costs }} as costs
        on
            {{ is_insats_cost('costs') }}
            and (requests.insats = 'Alla insatser' or requests.insats = costs.insats)
            and requests.unit = 'Alla enheter'
            and costs.booking_date between requests.period_start and requests.period_end
    group by requests.request_id
{%- endmacro %}
