{#- Report periods (redovisningsperioder) from the first referral to the last observed day:
    month, tertial, calendar year, July-June and rolling 12 months (ending each month).
    Every period is a whole number of months, so monthly figures roll up exactly. -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
),

bounds as (
    select
        -- Start early enough that the first July-June and calendar year are whole.
        date_trunc('year', min(least(referral_date, enrolment_date))) - interval 6 month
            as first_month,
        date_trunc(
            'month', greatest(max(observed_to_date), max(exit_date), max(enrolment_date))
        ) as last_month
    from episodes
),

months as (
    select cast(series.month_start as date) as month_start
    from bounds,
        generate_series(bounds.first_month, bounds.last_month, interval 1 month)
            as series (month_start)
),

periods as (
    select
        'month' as period_type,
        strftime(month_start, '%Y-%m') as period_label,
        month_start as period_start,
        cast(month_start + interval 1 month - interval 1 day as date) as period_end
    from months
    union all
    select
        'tertial' as period_type,
        strftime(month_start, '%Y') || ' T' || cast((month(month_start) + 3) // 4 as varchar)
            as period_label,
        month_start as period_start,
        cast(month_start + interval 4 month - interval 1 day as date) as period_end
    from months
    where month(month_start) in (1, 5, 9)
    union all
    select
        'calendar_year' as period_type,
        strftime(month_start, '%Y') as period_label,
        month_start as period_start,
        cast(month_start + interval 12 month - interval 1 day as date) as period_end
    from months
    where month(month_start) = 1
    union all
    select
        'july_june' as period_type,
        strftime(month_start, '%Y') || '/' || strftime(month_start + interval 12 month, '%y')
            as period_label,
        month_start as period_start,
        cast(month_start + interval 12 month - interval 1 day as date) as period_end
    from months
    where month(month_start) = 7
    union all
    select
        'rolling_12m' as period_type,
        '12 mån t.o.m. ' || strftime(month_start, '%Y-%m') as period_label,
        cast(month_start - interval 11 month as date) as period_start,
        cast(month_start + interval 1 month - interval 1 day as date) as period_end
    from months
),

final as (
    select
        period_type || ' ' || period_label as period_id,
        period_type,
        period_label,
        period_start,
        period_end
    from periods
    where period_start <= (select max(bounds.last_month) from bounds)
)

select * from final
