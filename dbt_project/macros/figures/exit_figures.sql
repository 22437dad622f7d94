{#- The measures of exits (avslut) in a period, over rows of exited episodes (each count
    counts the episodes of its predicate in exit_counts) or of their monthly aggregates
    (`aggregated`: the stored counts are summed).
    goal_share (andel i mål) = goal exits / exits in the insats' goal base (exits excluding
    dropouts when exclude_dropouts_from_goal_share, else all exits);
    work_or_studies_share (andel till arbete eller studier) = exits to Arbete or Studier /
    all exits. Reports state the goal share both ways, whatever the insats' own base:
    goal_share_including_dropouts = goal exits / all exits, and
    goal_share_excluding_dropouts = goal exits that are not dropouts / exits excluding
    dropouts. Beside each count X its cell key X_cell_key (Cell Key Method, macro cell_key):
    the record keys of the exits counted in X summed modulo key_range, from the episodes'
    `record_key` or, aggregated, from the stored cell keys (a sum of cell keys modulo
    key_range is the cell key of the sum). -#}
{% macro exit_measures(aggregated=false) -%}
    {%- if aggregated -%}
        {%- for count in exit_counts() %}
        cast(sum({{ count }}) as bigint) as {{ count }},
        {%- endfor %}
        {%- for count in exit_counts() %}
        {{ cell_key('sum(' ~ count ~ '_cell_key)') }} as {{ count }}_cell_key
        {{- "," if not loop.last }}
        {%- endfor %}
    {%- else -%}
        {%- for count, predicate in exit_counts().items() %}
        count_if({{ predicate }}) as {{ count }},
        {%- endfor %}
        {%- for count, predicate in exit_counts().items() %}
        {{ cell_key('sum(record_key) filter (where ' ~ predicate ~ ')') }} as {{ count }}_cell_key
        {{- "," if not loop.last }}
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}

{#- The exit counts of exit_measures and the episodes each counts (a predicate on an exited
    episode), in the order of the columns. -#}
{% macro exit_counts() -%}
    {%- do return({
        'exits': 'true',
        'dropouts': 'is_dropout',
        'exits_excluding_dropouts': 'not is_dropout',
        'goal_share_base': 'is_in_goal_share_base',
        'goal_exits': 'is_goal and is_in_goal_share_base',
        'goal_exits_including_dropouts': 'is_goal',
        'goal_exits_excluding_dropouts': 'is_goal and not is_dropout',
        'work_or_studies_exits': 'is_work_or_studies',
    }) -%}
{%- endmacro %}

{% macro exit_shares(measures='') -%}
    {{ share(measures ~ 'goal_exits', measures ~ 'goal_share_base') }} as goal_share,
    {{ share(measures ~ 'goal_exits_including_dropouts', measures ~ 'exits') }}
        as goal_share_including_dropouts,
    {{ share(
        measures ~ 'goal_exits_excluding_dropouts', measures ~ 'exits_excluding_dropouts'
    ) }} as goal_share_excluding_dropouts,
    {{ share(measures ~ 'work_or_studies_exits', measures ~ 'exits') }} as work_or_studies_share
{%- endmacro %}

{#- Whether an episode belongs to the requested insats and unit, where 'Alla insatser' and
    'Alla enheter' take every episode. -#}
{% macro in_requested_group(requests, episodes) -%}
    ({{ requests }}.insats = 'Alla insatser' or {{ requests }}.insats = {{ episodes }}.insats)
    and ({{ requests }}.unit = 'Alla enheter' or {{ requests }}.unit = {{ episodes }}.unit)
{%- endmacro %}

{#- The requested groups of `episodes` as grouping sets over `keys` (a list of
    expressions): each insats and unit, each insats and each unit alone ('Alla enheter',
    'Alla insatser'), and all of them; select requested_group_columns beside the keys. A
    request then reads its group's row by equality, as in_requested_group would select its
    episodes: an episode whose own insats or unit is the 'Alla' label counts only where
    every episode does. -#}
{% macro requested_group_columns(episodes) -%}
    case
        when grouping({{ episodes }}.insats) = 1 then 'Alla insatser' else {{ episodes }}.insats
    end as insats,
    case
        when grouping({{ episodes }}.unit) = 1 then 'Alla enheter' else {{ episodes }}.unit
    end as unit
{%- endmacro %}

{% macro requested_group_sets(episodes, keys) -%}
    {%- set keys = keys | join(', ') -%}
    {#- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa. #}
    group by grouping sets (  /* noqa: PRS */
        ({{ episodes }}.insats, {{ episodes }}.unit, {{ keys }}),
        ({{ episodes }}.insats, {{ keys }}),
        ({{ episodes }}.unit, {{ keys }}),
        ({{ keys }})
    )
    having
        (grouping({{ episodes }}.insats) = 1 or {{ episodes }}.insats != 'Alla insatser')
        and (grouping({{ episodes }}.unit) = 1 or {{ episodes }}.unit != 'Alla enheter')
{%- endmacro %}

{#- Exit figures of any periods, straight from the episodes: used by marts.period_summary()
    and stated_figure_checks. marts.outcomes computes the same measures from monthly
    aggregates. The exits are counted per requested group and day first, and each request
    sums its days: joining every request to its exits directly made about 50 million rows at
    1 000 000 participants. -#}
{% macro exit_figures(requests, episodes) -%}
    select
        requests.request_id,
        {{ exit_measures(aggregated=true) }}
    from {{ requests }} as requests
    inner join (
        select
            {{ requested_group_columns('episodes') }},
            episodes.exit_date,
            {{ exit_measures() }}
        from {{ episodes }} as episodes
        where episodes.exit_date is not null
        {{ requested_group_sets('episodes', ['episodes.exit_date']) }}
    ) as daily_exits
        on
            requests.insats = daily_exits.insats
            and requests.unit = daily_exits.unit
            and daily_exits.exit_date between requests.period_start and requests.period_end
    group by requests.request_id
{%- endmacro %}

{#- Genomströmningstid of any periods over the 12 months ending with the period (macro
    throughput_window_start), straight from the episodes: used by marts.period_summary() and
    stated_figure_checks; marts.throughput_times applies the same macros per window.
    The exits are counted once per distinct window of the requests and requested group
    (requested_group_sets), and each request reads its window's rows by equality: joining
    every request to its exits directly made about 80 million rows at 1 000 000
    participants (4 500 requests of overlapping windows). -#}
{% macro throughput_figures(requests, episodes) -%}
    {%- set window_start = throughput_window_start('period_start', 'period_end') -%}
    {%- set counted -%}
        with

        windows as (
            select distinct
                {{ window_start }} as window_start,
                period_end as window_end
            from {{ requests }}
        ),

        window_counts as (
            select
                {{ requested_group_columns('episodes') }},
                windows.window_start,
                windows.window_end,
                {{ throughput_days_counted('episodes.days_enrolled', 'episodes.record_key') }}
            from {{ episodes }} as episodes
            inner join windows
                on episodes.exit_date between windows.window_start and windows.window_end
            where not episodes.is_dropout
            {{ requested_group_sets(
                'episodes',
                ['windows.window_start', 'windows.window_end', 'episodes.days_enrolled']
            ) }}
        )

        select
            requests.request_id,
            window_counts.days_enrolled,
            window_counts.exits,
            window_counts.record_key_sum
        from {{ requests }} as requests
        inner join window_counts
            on
                requests.insats = window_counts.insats
                and requests.unit = window_counts.unit
                and {{ throughput_window_start('requests.period_start', 'requests.period_end') }}
                = window_counts.window_start
                and requests.period_end = window_counts.window_end
    {%- endset -%}
    {{ throughput_measures('(' ~ counted ~ ')', ['request_id']) }}
{%- endmacro %}

{#- Exits (avslut) per exit reason in any periods, straight from the episodes; a missing
    reason is 'Okänd', as in marts.exits_by_reason; exits_cell_key is the exits' cell key.
    Used by the table macro marts.period_exits_by_reason(). Counted per requested group, day
    and reason first, as in exit_figures. -#}
{% macro exits_by_reason_figures(requests, episodes) -%}
    select
        requests.request_id,
        daily_exits.exit_reason,
        cast(sum(daily_exits.exits) as bigint) as exits,
        {{ cell_key('sum(daily_exits.key_sum)') }} as exits_cell_key
    from {{ requests }} as requests
    inner join (
        select
            {{ requested_group_columns('episodes') }},
            episodes.exit_date,
            coalesce(episodes.exit_reason, 'Okänd') as exit_reason,
            count(*) as exits,
            sum(episodes.record_key) as key_sum
        from {{ episodes }} as episodes
        where episodes.exit_date is not null
        {{ requested_group_sets(
            'episodes', ['episodes.exit_date', "coalesce(episodes.exit_reason, 'Okänd')"]
        ) }}
    ) as daily_exits
        on
            requests.insats = daily_exits.insats
            and requests.unit = daily_exits.unit
            and daily_exits.exit_date between requests.period_start and requests.period_end
    group by requests.request_id, daily_exits.exit_reason
{%- endmacro %}

{#- Exits (avslut) per exit reason for every period of the spine, per insats × group
    (unit or municipality_name), with 'Alla insatser' and `all_groups` grouped from the
    episodes; a missing reason is 'Okänd', as in exits_by_reason_figures; exits_cell_key is
    the exits' cell key (the months' cell keys summed modulo key_range). Used by
    marts.exits_by_reason and marts.municipality_exits_by_reason. -#}
{% macro exits_by_reason_rows(episodes, periods, group_column, all_groups) -%}
    with

    monthly as (
        select
            coalesce(insats, 'Alla insatser') as insats,
            coalesce({{ group_column }}, '{{ all_groups }}') as {{ group_column }},
            date_trunc('month', exit_date) as exit_month,
            coalesce(exit_reason, 'Okänd') as exit_reason,
            count(*) as exits,
            {{ cell_key('sum(record_key)') }} as exits_cell_key
        from {{ episodes }}
        where exit_date is not null
        {#- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa. #}
        group by grouping sets (  /* noqa: PRS */
            (insats, {{ group_column }}, exit_month, exit_reason),
            (insats, exit_month, exit_reason),
            ({{ group_column }}, exit_month, exit_reason),
            (exit_month, exit_reason)
        )
    )

    select
        monthly.insats,
        monthly.{{ group_column }},
        periods.period_type,
        periods.period_label,
        monthly.exit_reason,
        cast(sum(monthly.exits) as bigint) as exits,
        {{ cell_key('sum(monthly.exits_cell_key)') }} as exits_cell_key
    from monthly
    inner join {{ periods }} as periods
        on monthly.exit_month between periods.period_start and periods.period_end
    group by all
{%- endmacro %}
