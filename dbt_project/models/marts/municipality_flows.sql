{#- Flöden per kommun: insats × municipality × period, a person counted in the municipality
    of their episode's units (macro episode_municipality); same definitions as period_flows
    (macro flow_figures). The whole insats is period_flows' 'Alla enheter'. -#}

with

flows as (
    {{ period_flow_rows(
        ref('int_municipality_balances_accumulated'),
        ref('int_periods_spined'),
        'municipality_name'
    ) }}
),

final as (
    select * from flows
    where municipality_name != 'Alla kommuner'
)

select * from final
