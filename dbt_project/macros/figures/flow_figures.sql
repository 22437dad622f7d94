{#- Flows of any periods (flöden): `requests` has insats, unit, period_start, period_end
    (and any other columns, kept). Each figure is the difference of two running balances,
    at the day before the period and at its last day:
      active_at_start (aktiva vid periodens början) = active at the end of the day before,
      enrolled / exited / dropouts = inskrivna / avslutade / avhopp during the period,
      active_at_end, served (betjänade) = active_at_start + enrolled,
      queue_at_end (kö vid periodens slut), average_enrolled = participant-days / days.
    So active_at_start + enrolled - exited = active_at_end holds by construction.
    Each count X has X_cell_key (Cell Key Method): cell_key() of the same difference of the
    balances' record-key sums, so the keys keep the counts' identities modulo key_range
    (served_cell_key = active_at_start + enrolled key sums).
    `group_column` is the balances' group: unit, or municipality_name for the municipality
    balances. Used by marts.period_flows, marts.municipality_flows, marts.period_summary()
    and marts.stated_figure_checks. -#}
{% macro flow_figures(requests, balances, group_column='unit') -%}
    select
        *,
        active_at_start + enrolled as served
    from (
        select
            requests.*,
            coalesce(before_start.active_at_end_of_day, 0) as active_at_start,
            coalesce(at_end.cumulative_enrolled, 0)
            - coalesce(before_start.cumulative_enrolled, 0) as enrolled,
            coalesce(at_end.cumulative_exited, 0)
            - coalesce(before_start.cumulative_exited, 0) as exited,
            coalesce(at_end.cumulative_dropouts, 0)
            - coalesce(before_start.cumulative_dropouts, 0) as dropouts,
            coalesce(at_end.active_at_end_of_day, 0) as active_at_end,
            coalesce(at_end.queue_at_end_of_day, 0) as queue_at_end,
            {{ cell_key('before_start.active_at_end_of_day_key_sum') }} as active_at_start_cell_key,
            {{ cell_key(
                'coalesce(at_end.cumulative_enrolled_key_sum, 0)'
                ~ ' - coalesce(before_start.cumulative_enrolled_key_sum, 0)'
            ) }} as enrolled_cell_key,
            {{ cell_key(
                'coalesce(at_end.cumulative_exited_key_sum, 0)'
                ~ ' - coalesce(before_start.cumulative_exited_key_sum, 0)'
            ) }} as exited_cell_key,
            {{ cell_key(
                'coalesce(at_end.cumulative_dropouts_key_sum, 0)'
                ~ ' - coalesce(before_start.cumulative_dropouts_key_sum, 0)'
            ) }} as dropouts_cell_key,
            {{ cell_key('at_end.active_at_end_of_day_key_sum') }} as active_at_end_cell_key,
            {{ cell_key(
                'coalesce(before_start.active_at_end_of_day_key_sum, 0)'
                ~ ' + coalesce(at_end.cumulative_enrolled_key_sum, 0)'
                ~ ' - coalesce(before_start.cumulative_enrolled_key_sum, 0)'
            ) }} as served_cell_key,
            {{ cell_key('at_end.queue_at_end_of_day_key_sum') }} as queue_at_end_cell_key,
            round((
                coalesce(
                    at_end.active_days_to_date
                    + at_end.active_at_end_of_day * (requests.period_end - at_end.event_date),
                    0
                )
                - coalesce(
                    before_start.active_days_to_date
                    + before_start.active_at_end_of_day
                    * (requests.period_start - 1 - before_start.event_date),
                    0
                )
            ) / (requests.period_end - requests.period_start + 1), 2) as average_enrolled
        from {{ requests }} as requests
        asof left join {{ balances }} as at_end
            on
                requests.insats = at_end.insats
                and requests.{{ group_column }} = at_end.{{ group_column }}
                and requests.period_end >= at_end.event_date
        asof left join {{ balances }} as before_start
            on
                requests.insats = before_start.insats
                and requests.{{ group_column }} = before_start.{{ group_column }}
                and requests.period_start > before_start.event_date
    ) as figures
{%- endmacro %}

{#- Flows of any periods per breakdown, straight from the episodes, with the running
    balances' definitions: active at the end of a day = enrolled on or before it and not
    exited on or before it. So, per breakdown value, active_at_start + enrolled - exited =
    active_at_end, and the values of a dimension add up to flow_figures. `breakdowns` maps
    each dimension to its value over the episode's columns (episode_breakdowns); one row
    per request_id × dimension × dimension_value. Only episodes active at some time in the
    period are read. Each count X has X_cell_key, cell_key() of the sum of the counted
    episodes' record_key. Used by the table macros marts.period_summary_by_gender() and
    marts.period_flows_by_breakdown(). -#}
{% macro flows_by_breakdown(requests, episodes, breakdowns) -%}
    select
        request_id,
        dimension,
        dimension_value,
        active_at_start,
        enrolled,
        exited,
        active_at_end,
        active_at_start + enrolled as served,
        {{ cell_key('active_at_start_key_sum') }} as active_at_start_cell_key,
        {{ cell_key('enrolled_key_sum') }} as enrolled_cell_key,
        {{ cell_key('exited_key_sum') }} as exited_cell_key,
        {{ cell_key('active_at_end_key_sum') }} as active_at_end_cell_key,
        {{ cell_key(
            'coalesce(active_at_start_key_sum, 0) + coalesce(enrolled_key_sum, 0)'
        ) }} as served_cell_key
    from (
        select
            requests.request_id,
            episodes.breakdown.dimension as dimension,
            episodes.breakdown.dimension_value as dimension_value,
            count_if(episodes.enrolment_date < requests.period_start) as active_at_start,
            count_if(episodes.enrolment_date >= requests.period_start) as enrolled,
            count_if(coalesce(episodes.exit_date <= requests.period_end, false)) as exited,
            count_if(coalesce(episodes.exit_date > requests.period_end, true)) as active_at_end,
            sum(episodes.record_key) filter (
                where episodes.enrolment_date < requests.period_start
            ) as active_at_start_key_sum,
            sum(episodes.record_key) filter (
                where episodes.enrolment_date >= requests.period_start
            ) as enrolled_key_sum,
            sum(episodes.record_key) filter (
                where coalesce(episodes.exit_date <= requests.period_end, false)
            ) as exited_key_sum,
            sum(episodes.record_key) filter (
                where coalesce(episodes.exit_date > requests.period_end, true)
            ) as active_at_end_key_sum
        from {{ requests }} as requests
        inner join (
            select
                *,
                unnest([
                    {%- for dimension, value in breakdowns.items() %}
                    { 'dimension': '{{ dimension }}', 'dimension_value': {{ value }} }
                    {{- "," if not loop.last }}
                    {%- endfor %}
                ]) as breakdown
            from {{ episodes }}
        ) as episodes
            on
                {{ in_requested_group('requests', 'episodes') }}
                and episodes.enrolment_date <= requests.period_end
                and coalesce(episodes.exit_date >= requests.period_start, true)
        group by
            requests.request_id,
            episodes.breakdown.dimension,
            episodes.breakdown.dimension_value
    ) as figures
{%- endmacro %}

{#- Flows of every period of the spine for each insats × group of the balances, from the
    group's first event on, each period marked partial when it ends after the insats' data
    (int_insats_observed). Used by marts.period_flows (units) and marts.municipality_flows. -#}
{% macro period_flow_rows(balances, periods, group_column='unit') -%}
    with

    groups as (
        select
            insats,
            {{ group_column }},
            min(event_date) as first_event_date
        from {{ balances }}
        group by insats, {{ group_column }}
    ),

    requests as (
        select
            groups.insats,
            groups.{{ group_column }},
            periods.period_type,
            periods.period_label,
            periods.period_start,
            periods.period_end,
            {{ is_partial_period('periods.period_end', 'observed.observed_to_date') }}
                as is_partial
        from groups
        inner join {{ periods }} as periods
            on groups.first_event_date <= periods.period_end
        left join {{ ref('int_insats_observed') }} as observed
            on groups.insats = observed.insats
    ),

    flows as (
        {{ flow_figures('requests', balances, group_column) }}
    )

    select
        insats,
        {{ group_column }},
        period_type,
        period_label,
        period_start,
        period_end,
        is_partial,
        active_at_start,
        enrolled,
        exited,
        dropouts,
        active_at_end,
        served,
        queue_at_end,
        average_enrolled,
        active_at_start_cell_key,
        enrolled_cell_key,
        exited_cell_key,
        dropouts_cell_key,
        active_at_end_cell_key,
        served_cell_key,
        queue_at_end_cell_key
    from flows
{%- endmacro %}
