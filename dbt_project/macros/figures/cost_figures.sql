{#- Cost (kostnad, utfall) of any periods: ledger costs of the insats' ledger project
    (insats_config.projekt) booked in the period. Costs have no unit, so only requests for
    'Alla enheter' get a cost. Used by marts.period_summary() and stated_figure_checks;
    marts.cost_per_participant sums the same rows by month. -#}
{% macro cost_figures(requests, costs) -%}
    select
        requests.request_id,
        sum(costs.amount) as cost
    from {{ requests }} as requests
    inner join {{ costs }} as costs
        on
            (requests.insats = 'Alla insatser' or requests.insats = costs.insats)
            and requests.unit = 'Alla enheter'
            and costs.booking_date between requests.period_start and requests.period_end
    group by requests.request_id
{%- endmacro %}
