{{ config(
    tags=['figure_consistency'],
    meta={'dagster': {'ref': {'name': 'municipality_flows'}}},
) }}
{#- Every episode counts in one kommun, so the kommuner of an insats (and of 'Alla
    insatser') add up to its 'Alla enheter' row of period_flows for every period: the
    counts exactly and their cell keys, summed, modulo key_range (a period before a kommun's
    first event has no row: count 0, key 0). #}

{%- set counts = [
    'active_at_start', 'enrolled', 'exited', 'dropouts', 'active_at_end', 'served',
    'queue_at_end'
] %}
{%- set columns = [] %}
{%- for count in counts %}
{%- do columns.extend([count, count ~ '_cell_key']) %}
{%- endfor %}

with

flows as (
    select * from {{ ref('period_flows') }}
    where unit = 'Alla enheter'
),

municipalities as (
    select
        insats,
        period_type,
        period_label,
        {%- for count in counts %}
        sum({{ count }}) as {{ count }},
        {%- endfor %}
        {%- for count in counts %}
        sum({{ count }}_cell_key) % {{ var('disclosure')['key_range'] }} as {{ count }}_cell_key,
        {%- endfor %}
        count(*) as municipality_rows
    from {{ ref('municipality_flows') }}
    group by insats, period_type, period_label
),

final as (
    {%- for column in columns %}
    select
        flows.insats,
        flows.period_type,
        flows.period_label,
        '{{ column }}' as figure,
        flows.{{ column }} as period_flows_value,
        coalesce(municipalities.{{ column }}, 0) as municipalities_value
    from flows
    left join municipalities
        on
            flows.insats = municipalities.insats
            and flows.period_type = municipalities.period_type
            and flows.period_label = municipalities.period_label
    where flows.{{ column }} is distinct from coalesce(municipalities.{{ column }}, 0)
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
