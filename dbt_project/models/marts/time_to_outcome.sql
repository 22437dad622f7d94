{#- Tid till utfall per insats × breakdown × outcome, on every day (since enrolment) with an
    exit or a censoring. With n at risk at the start of day t, d exits of any reason and
    d_k events of the outcome on t:
      survival (Kaplan-Meier, any exit) S(t) = prod over u <= t of (1 - d_u / n_u);
      cumulative_share for 'avslut' = 1 - S(t); for every other outcome the cumulative
      incidence with competing risks (Aalen-Johansen) F(t) = sum over u <= t of
      S(u-) d_k,u / n_u, so other exits compete instead of being censored.
    95 % band: Greenwood for 1 - S; for F the delta-method variance
      sum [F(t) - F(u)]^2 d_u / (n_u (n_u - d_u)) + sum S(u-)^2 d_k,u (n_u - d_k,u) / n_u^3
      - 2 sum [F(t) - F(u)] S(u-) d_k,u / n_u^2
    (Marubini & Valsecchi 1995; Pintilie 2006), clipped to [0, 1]. Curves without any event
    are left out. month = day / 30.4375, for plotting. Each count X (at_risk, events,
    competing, censored) has its cell key X_cell_key (Cell Key Method): at_risk's from the
    running sums of the exits' and censored episodes' cell keys, as at_risk itself. -#}

with

counted as (
    select * from {{ ref('int_outcome_observations_counted') }}
),

at_risk as (
    select
        *,
        sum(exits + censored) over curve_total
        - coalesce(sum(exits + censored) over earlier_days, 0) as at_risk,
        {{ cell_key(
            'sum(exits_cell_key + censored_cell_key) over curve_total'
            ~ ' - coalesce(sum(exits_cell_key + censored_cell_key) over earlier_days, 0)'
        ) }} as at_risk_cell_key
    from counted
    window
        curve_total as (partition by insats, dimension, dimension_value, outcome),
        earlier_days as (
            partition by insats, dimension, dimension_value, outcome
            order by day
            rows between unbounded preceding and 1 preceding
        )
),

survival as (
    select
        *,
        case
            when max(case when exits = at_risk then 1 else 0 end) over days_so_far = 1 then 0.0
            else exp(sum(ln(1 - exits / at_risk)) over days_so_far)
        end as survival,
        -- Greenwood's term; infinite where everyone left, where the band closes anyway.
        case when at_risk > exits then exits / (at_risk * (at_risk - exits)) else 0 end
            as greenwood_term
    from at_risk
    window days_so_far as (
        partition by insats, dimension, dimension_value, outcome
        order by day
        rows unbounded preceding
    )
),

increments as (
    select
        *,
        coalesce(lag(survival) over by_day, 1.0) as survival_before
    from survival
    window by_day as (partition by insats, dimension, dimension_value, outcome order by day)
),

incidence as (
    select
        *,
        sum(survival_before * events / at_risk) over days_so_far as incidence
    from increments
    window days_so_far as (
        partition by insats, dimension, dimension_value, outcome
        order by day
        rows unbounded preceding
    )
),

variance_sums as (
    select
        *,
        sum(greenwood_term) over days_so_far as greenwood,
        sum(greenwood_term * incidence) over days_so_far as greenwood_f,
        sum(greenwood_term * incidence * incidence) over days_so_far as greenwood_f2,
        sum(
            survival_before * survival_before * events * (at_risk - events)
            / (at_risk * at_risk * at_risk)
        ) over days_so_far as event_term,
        sum(survival_before * events / (at_risk * at_risk)) over days_so_far as cross_term,
        sum(incidence * survival_before * events / (at_risk * at_risk)) over days_so_far
            as cross_term_f,
        sum(events) over curve_total as curve_events
    from incidence
    window
        days_so_far as (
            partition by insats, dimension, dimension_value, outcome
            order by day
            rows unbounded preceding
        ),
        curve_total as (partition by insats, dimension, dimension_value, outcome)
),

estimates as (
    select
        *,
        case when outcome = 'avslut' then 1 - survival else incidence end as cumulative_share,
        case
            when outcome = 'avslut' then survival * survival * greenwood
            else
                incidence * incidence * greenwood - 2 * incidence * greenwood_f + greenwood_f2
                + event_term
                - 2 * (incidence * cross_term - cross_term_f)
        end as variance
    from variance_sums
    where curve_events > 0
),

final as (
    select
        insats,
        dimension,
        dimension_value,
        outcome,
        cast(day as integer) as day,
        round({{ months_from_days('day') }}, 3) as month,
        cast(at_risk as bigint) as at_risk,
        cast(events as bigint) as events,
        cast(exits - events as bigint) as competing,
        cast(censored as bigint) as censored,
        at_risk_cell_key,
        events_cell_key,
        {{ cell_key('exits_cell_key - events_cell_key') }} as competing_cell_key,
        censored_cell_key,
        round(survival, 6) as survival,
        round(cumulative_share, 6) as cumulative_share,
        round(greatest(0, cumulative_share - 1.96 * sqrt(greatest(variance, 0))), 6)
            as cumulative_share_lower,
        round(least(1, cumulative_share + 1.96 * sqrt(greatest(variance, 0))), 6)
            as cumulative_share_upper
    from estimates
)

select * from final
