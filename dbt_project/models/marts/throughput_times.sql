{#- Genomströmningstid: mean and median months (days / 30.4375) from enrolment to exit for
    exits in rolling 12-month windows (calendar years, July-June and every 12 months),
    dropouts excluded. An even count's median is the mean of the two middle values. Each
    exit joins the 14 windows that contain it (a bounded fan-out, measured faster than
    rolling up monthly histograms). -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
    where exit_date is not null and not is_dropout
),

windows as (
    select * from {{ ref('int_periods_spined') }}
    where period_type in ('calendar_year', 'july_june', 'rolling_12m')
),

exits_in_windows as (
    select
        episodes.insats,
        episodes.unit,
        windows.period_type as window_type,
        windows.period_label,
        windows.period_start,
        windows.period_end,
        episodes.days_enrolled
    from episodes
    inner join windows
        on episodes.exit_date between windows.period_start and windows.period_end
),

final as (
    select
        coalesce(insats, 'Alla insatser') as insats,
        coalesce(unit, 'Alla enheter') as unit,
        window_type,
        period_label,
        period_start,
        period_end,
        count(*) as exits,
        {{ months_from_days('avg(days_enrolled)') }} as mean_months,
        {{ months_from_days('median(days_enrolled)') }} as median_months
    from exits_in_windows
    -- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa.
    group by grouping sets (  -- noqa: PRS
        (insats, unit, window_type, period_label, period_start, period_end),
        (insats, window_type, period_label, period_start, period_end),
        (unit, window_type, period_label, period_start, period_end),
        (window_type, period_label, period_start, period_end)
    )
)

select * from final
