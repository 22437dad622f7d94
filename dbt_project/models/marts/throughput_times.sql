{#- Genomströmningstid per insats × unit × period of every type: exits excluding dropouts
    in the 12 months ending with the period, and their mean and median months enrolled
    (macros throughput_window_start and throughput_measures). A month or tertial reads the
    window ending with it; a calendar year, July-June and a rolling 12 months are their own
    window. Every window is 12 months ending at a month end, so each exit joins the 12
    windows containing it once, and periods sharing a window share its figures.
    throughput_exits_cell_key is the cell key of throughput_exits (Cell Key Method). -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
    where exit_date is not null and not is_dropout
),

periods as (
    select
        *,
        {{ throughput_window_start('period_start', 'period_end') }} as window_start
    from {{ ref('int_periods_spined') }}
),

windows as (
    select distinct
        window_start,
        period_end as window_end
    from periods
),

exits_in_windows as (
    select
        episodes.insats,
        episodes.unit,
        windows.window_start,
        windows.window_end,
        episodes.days_enrolled,
        episodes.record_key
    from episodes
    inner join windows
        on episodes.exit_date between windows.window_start and windows.window_end
),

window_figures as (
    select
        coalesce(insats, 'Alla insatser') as insats,
        coalesce(unit, 'Alla enheter') as unit,
        window_start,
        window_end,
        {{ throughput_measures('days_enrolled', 'record_key') }}
    from exits_in_windows
    -- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa.
    group by grouping sets (  -- noqa: PRS
        (insats, unit, window_start, window_end),
        (insats, window_start, window_end),
        (unit, window_start, window_end),
        (window_start, window_end)
    )
),

final as (
    select
        window_figures.insats,
        window_figures.unit,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        window_figures.window_start,
        window_figures.window_end,
        window_figures.throughput_exits,
        window_figures.throughput_exits_cell_key,
        window_figures.mean_months,
        window_figures.median_months
    from window_figures
    inner join periods
        on
            window_figures.window_start = periods.window_start
            and window_figures.window_end = periods.period_end
)

select * from final
