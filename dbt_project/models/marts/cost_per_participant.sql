{#- Kostnad per deltagare: ledger cost of the insats' project in the period divided by
    participants served (betjänade = active at start + enrolled, from period_flows) and by
    goal exits (from outcomes), each with its cell key (Cell Key Method) from the same mart.
    Costs have no unit, so rows are per insats ('Alla enheter').
-#}

with

costs as (
    select * from {{ ref('int_ledger_costs_mapped') }}
    where {{ is_insats_cost('int_ledger_costs_mapped') }}
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

flows as (
    select * from {{ ref('period_flows') }}
    where unit = 'Alla enheter'
),

outcomes as (
    select * from {{ ref('outcomes') }}
    where unit = 'Alla enheter' and dimension = 'total'
),

monthly_costs as (
    select
        coalesce(insats, 'Alla insatser') as insats,
        date_trunc('month', booking_date) as booking_month,
        sum(amount) as cost
    from costs
    -- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa.
    group by grouping sets ((insats, booking_month), (booking_month))  -- noqa: PRS
),

period_costs as (
    select
        monthly_costs.insats,
        periods.period_type,
        periods.period_label,
        sum(monthly_costs.cost) as cost
    from monthly_costs
    inner join periods
        on monthly_costs.booking_month between periods.period_start and periods.period_end
    group by all
),

final as (
    select
        flows.insats,
        flows.period_type,
        flows.period_label,
        flows.period_start,
        flows.period_end,
        flows.served,
        flows.served_cell_key,
        coalesce(outcomes.goal_exits, 0) as goal_exits,
        coalesce(outcomes.goal_exits_cell_key, 0) as goal_exits_cell_key,
        {{ cost_measures('coalesce(period_costs.cost, 0)', 'flows.served', 'outcomes.goal_exits') }}
    from flows
    left join period_costs
        on
            flows.insats = period_costs.insats
            and flows.period_type = period_costs.period_type
            and flows.period_label = period_costs.period_label
    left join outcomes
        on
            flows.insats = outcomes.insats
            and flows.period_type = outcomes.period_type
            and flows.period_label = outcomes.period_label
)

select * from final
