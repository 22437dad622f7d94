{#- Genomströmningstid rows per insats × group (unit or municipality) × period of every
    type: the exits excluding dropouts of `episodes` in the 12 months ending with each
    period of `periods` (macro throughput_window_start), measured by throughput_measures.
    Every window is 12 months ending at a month end, so each exit joins the 12 windows
    containing it once, and periods sharing a window share its figures. The whole insats
    is group `all_groups`, all insatser 'Alla insatser'. Used by marts.throughput_times
    (per unit) and marts.municipality_throughput_times (per municipality). -#}
{% macro throughput_window_rows(episodes, periods, group_column, all_groups) -%}
    with

    spined as (
        select
            *,
            {{ throughput_window_start('period_start', 'period_end') }} as window_start
        from {{ periods }}
    ),

    windows as (
        select distinct
            window_start,
            period_end as window_end
        from spined
    ),

    exits_in_windows as (
        select
            episodes.insats,
            episodes.{{ group_column }},
            windows.window_start,
            windows.window_end,
            episodes.days_enrolled,
            episodes.record_key
        from {{ episodes }} as episodes
        inner join windows
            on episodes.exit_date between windows.window_start and windows.window_end
        where episodes.exit_date is not null and not episodes.is_dropout
    ),

    days_counted as (
        select
            coalesce(insats, 'Alla insatser') as insats,
            coalesce({{ group_column }}, '{{ all_groups }}') as {{ group_column }},
            window_start,
            window_end,
            {{ throughput_days_counted('days_enrolled', 'record_key') }}
        from exits_in_windows
        -- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa.
        group by grouping sets (  -- noqa: PRS
            (insats, {{ group_column }}, window_start, window_end, days_enrolled),
            (insats, window_start, window_end, days_enrolled),
            ({{ group_column }}, window_start, window_end, days_enrolled),
            (window_start, window_end, days_enrolled)
        )
    ),

    window_figures as (
        {{ throughput_measures(
            'days_counted', ['insats', group_column, 'window_start', 'window_end']
        ) }}
    )

    select
        window_figures.insats,
        window_figures.{{ group_column }},
        spined.period_type,
        spined.period_label,
        spined.period_start,
        spined.period_end,
        window_figures.window_start,
        window_figures.window_end,
        window_figures.throughput_exits,
        window_figures.throughput_exits_cell_key,
        window_figures.mean_months,
        window_figures.median_months
    from window_figures
    inner join spined
        on
            window_figures.window_start = spined.window_start
            and window_figures.window_end = spined.period_end
{%- endmacro %}
