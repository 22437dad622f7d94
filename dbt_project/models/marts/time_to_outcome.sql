{#- Tid till utfall (Kaplan-Meier) from the counted observations: at month m
      at_risk = episodes with at least m whole months and no event or censoring before m,
      survival = product over months j <= m of (1 - events_j / at_risk_j),
      cumulative_share = 1 - survival.
    Censored episodes count as at risk in their own month (events before censoring). Every
    month from 0 to the longest observed time is a row, so curves plot as steps. -#}

with

counted as (
    select * from {{ ref('int_outcome_observations_counted') }}
),

curves as (
    select
        insats,
        dimension,
        dimension_value,
        outcome,
        sum(events + censored) as observed,
        max(month) as last_month
    from counted
    group by insats, dimension, dimension_value, outcome
),

months as (
    select
        curves.*,
        unnest(generate_series(0, curves.last_month)) as month
    from curves
),

dense as (
    select
        months.insats,
        months.dimension,
        months.dimension_value,
        months.outcome,
        months.month,
        months.observed,
        coalesce(counted.events, 0) as events,
        coalesce(counted.censored, 0) as censored
    from months
    left join counted
        on
            months.insats = counted.insats
            and months.dimension = counted.dimension
            and months.dimension_value = counted.dimension_value
            and months.outcome = counted.outcome
            and months.month = counted.month
),

at_risk as (
    select
        *,
        observed - coalesce(sum(events + censored) over earlier_months, 0) as at_risk
    from dense
    window earlier_months as (
        partition by insats, dimension, dimension_value, outcome
        order by month
        rows between unbounded preceding and 1 preceding
    )
),

survival as (
    select
        *,
        case
            when
                max(case when events = at_risk and at_risk > 0 then 1 else 0 end)
                    over months_so_far
                = 1
                then 0.0
            else exp(
                sum(case when at_risk > 0 then ln(1 - events / at_risk) else 0 end)
                    over months_so_far
            )
        end as survival
    from at_risk
    window months_so_far as (
        partition by insats, dimension, dimension_value, outcome
        order by month
        rows unbounded preceding
    )
),

final as (
    select
        insats,
        dimension,
        dimension_value,
        outcome,
        month,
        cast(at_risk as bigint) as at_risk,
        cast(events as bigint) as events,
        cast(censored as bigint) as censored,
        round(survival, 6) as survival,
        round(1 - survival, 6) as cumulative_share
    from survival
)

select * from final
