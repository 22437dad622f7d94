{#- Flöden per period: insats × unit × period, from the running balances (see macro
    flow_figures for each figure's definition). -#}

with

periods as (
    select * from {{ ref('int_periods_spined') }}
),

balances as (
    select * from {{ ref('int_flow_balances_accumulated') }}
),

groups as (
    select
        insats,
        unit,
        min(event_date) as first_event_date
    from balances
    group by insats, unit
),

requests as (
    select
        groups.insats,
        groups.unit,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end
    from groups
    inner join periods
        on groups.first_event_date <= periods.period_end
),

flows as (
    {{ flow_figures('requests', 'balances') }}
),

final as (
    select
        insats,
        unit,
        period_type,
        period_label,
        period_start,
        period_end,
        active_at_start,
        enrolled,
        exited,
        dropouts,
        active_at_end,
        served,
        queue_at_end,
        average_enrolled
    from flows
)

select * from final
