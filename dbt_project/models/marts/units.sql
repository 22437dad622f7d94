{#- Enheter: every unit with flows, per insats and for 'Alla insatser', and its municipality
    (kommun) from the unit configuration; the scopes the dashboard and the report offer.
    'Flera enheter' (an episode at several units) and 'Okänd enhet' are not units. -#}

with

flows as (
    select distinct
        insats,
        unit
    from {{ ref('period_flows') }}
    where unit not in ('Alla enheter', 'Flera enheter', 'Okänd enhet')
),

unit_municipalities as (
    select * from {{ ref('stg_raw__unit_municipalities') }}
),

final as (
    select
        flows.insats,
        flows.unit,
        unit_municipalities.municipality_code,
        unit_municipalities.municipality_name
    from flows
    left join unit_municipalities
        on flows.unit = unit_municipalities.unit
)

select * from final
