{#- The measures of exits (avslut) in a period, over rows of exited episodes or of their
    monthly aggregates. `count` is the expression counting one row: 1 for episodes, the
    stored count for aggregates; `flag(name)` then reads a boolean or a sub-count.
    goal_share (andel i mål) = goal exits / exits in the insats' goal base (exits excluding
    dropouts when exclude_dropouts_from_goal_share, else all exits);
    work_or_studies_share (andel till arbete eller studier) = exits to Arbete or Studier /
    all exits. -#}
{% macro exit_measures(aggregated=false) -%}
    {%- if aggregated -%}
        cast(sum(exits) as bigint) as exits,
        cast(sum(dropouts) as bigint) as dropouts,
        cast(sum(exits_excluding_dropouts) as bigint) as exits_excluding_dropouts,
        cast(sum(goal_share_base) as bigint) as goal_share_base,
        cast(sum(goal_exits) as bigint) as goal_exits,
        cast(sum(work_or_studies_exits) as bigint) as work_or_studies_exits
    {%- else -%}
        count(*) as exits,
        count_if(is_dropout) as dropouts,
        count_if(not is_dropout) as exits_excluding_dropouts,
        count_if(is_in_goal_share_base) as goal_share_base,
        count_if(is_goal and is_in_goal_share_base) as goal_exits,
        count_if(is_work_or_studies) as work_or_studies_exits
    {%- endif -%}
{%- endmacro %}

{% macro exit_shares() -%}
    {{ share('goal_exits', 'goal_share_base') }} as goal_share,
    {{ share('work_or_studies_exits', 'exits') }} as work_or_studies_share
{%- endmacro %}

{#- Whether an episode belongs to the requested insats and unit, where 'Alla insatser' and
    'Alla enheter' take every episode. -#}
{% macro in_requested_group(requests, episodes) -%}
    ({{ requests }}.insats = 'Alla insatser' or {{ requests }}.insats = {{ episodes }}.insats)
    and ({{ requests }}.unit = 'Alla enheter' or {{ requests }}.unit = {{ episodes }}.unit)
{%- endmacro %}

{#- Exit figures and throughput (genomströmningstid, dropouts excluded) of any periods,
    straight from the episodes: used by marts.period_summary() and stated_figure_checks.
    The marts outcomes and throughput_times compute the same measures from monthly
    aggregates. -#}
{% macro exit_figures(requests, episodes) -%}
    select
        requests.request_id,
        {{ exit_measures() }},
        avg(case when not episodes.is_dropout then episodes.months_enrolled end) as mean_months,
        median(case when not episodes.is_dropout then episodes.months_enrolled end) as median_months
    from {{ requests }} as requests
    inner join {{ episodes }} as episodes
        on
            {{ in_requested_group('requests', 'episodes') }}
            and episodes.exit_date between requests.period_start and requests.period_end
    group by requests.request_id
{%- endmacro %}

{#- Exits (avslut) per exit reason in any periods, straight from the episodes; a missing
    reason is 'Okänd', as in marts.exits_by_reason. Used by the table macro
    marts.period_exits_by_reason(). -#}
{% macro exits_by_reason_figures(requests, episodes) -%}
    select
        requests.request_id,
        coalesce(episodes.exit_reason, 'Okänd') as exit_reason,
        count(*) as exits
    from {{ requests }} as requests
    inner join {{ episodes }} as episodes
        on
            {{ in_requested_group('requests', 'episodes') }}
            and episodes.exit_date between requests.period_start and requests.period_end
    group by requests.request_id, coalesce(episodes.exit_reason, 'Okänd')
{%- endmacro %}
