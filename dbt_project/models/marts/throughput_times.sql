{#- Genomströmningstid: mean and median months (days / 30.4375) from enrolment to exit for
    exits in rolling 12-month windows (calendar years, July-June and every 12 months),
    dropouts excluded. Exits are first counted per month and number of days, so a window's
    median is read from the cumulative counts; with an even count it is the mean of the
    two middle values. -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
    where exit_date is not null and not is_dropout
),

windows as (
    select * from {{ ref('int_periods_spined') }}
    where period_type in ('calendar_year', 'july_june', 'rolling_12m')
),

monthly as (
    select
        coalesce(insats, 'Alla insatser') as insats,
        coalesce(unit, 'Alla enheter') as unit,
        date_trunc('month', exit_date) as exit_month,
        days_enrolled,
        count(*) as exits
    from episodes
    group by grouping sets (
        (insats, unit, exit_month, days_enrolled),
        (insats, exit_month, days_enrolled),
        (unit, exit_month, days_enrolled),
        (exit_month, days_enrolled)
    )
),

by_days as (
    select
        monthly.insats,
        monthly.unit,
        windows.period_type as window_type,
        windows.period_label,
        windows.period_start,
        windows.period_end,
        monthly.days_enrolled,
        sum(monthly.exits) as exits
    from monthly
    inner join windows
        on monthly.exit_month between windows.period_start and windows.period_end
    group by all
),

ranked as (
    select
        *,
        sum(exits) over window_days as exits_to_here,
        sum(exits) over window_all as window_exits
    from by_days
    window
        window_days as (
            partition by insats, unit, window_type, period_label
            order by days_enrolled
            rows unbounded preceding
        ),
        window_all as (partition by insats, unit, window_type, period_label)
),

final as (
    select
        insats,
        unit,
        window_type,
        period_label,
        period_start,
        period_end,
        cast(sum(exits) as bigint) as exits,
        {{ months_from_days('sum(days_enrolled * exits) / sum(exits)') }} as mean_months,
        {{ months_from_days(
            '(min(days_enrolled) filter (where exits_to_here >= (window_exits + 1) // 2)
            + min(days_enrolled) filter (where exits_to_here >= window_exits // 2 + 1)) / 2.0'
        ) }} as median_months
    from ranked
    group by insats, unit, window_type, period_label, period_start, period_end
)

select * from final
