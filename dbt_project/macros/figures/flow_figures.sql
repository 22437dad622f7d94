{#- Flows of any periods (flöden): `requests` has insats, unit, period_start, period_end
    (and any other columns, kept). Each figure is the difference of two running balances,
    at the day before the period and at its last day:
      active_at_start (aktiva vid periodens början) = active at the end of the day before,
      enrolled / exited / dropouts = inskrivna / avslutade / avhopp during the period,
      active_at_end, served (betjänade) = active_at_start + enrolled,
      queue_at_end (kö vid periodens slut), average_enrolled = participant-days / days.
    So active_at_start + enrolled - exited = active_at_end holds by construction.
    Used by marts.period_flows, marts.period_summary() and marts.stated_figure_checks. -#}
{% macro flow_figures(requests, balances) -%}
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
                and requests.unit = at_end.unit
                and requests.period_end >= at_end.event_date
        asof left join {{ balances }} as before_start
            on
                requests.insats = before_start.insats
                and requests.unit = before_start.unit
                and requests.period_start > before_start.event_date
    ) as figures
{%- endmacro %}

{#- Flows of any periods per gender (kön), straight from the episodes, with the running
    balances' definitions: active at the end of a day = enrolled on or before it and not
    exited on or before it. So, per gender, active_at_start + enrolled - exited =
    active_at_end, and the genders add up to flow_figures. Only episodes active at some
    time in the period are read. Used by the table macro marts.period_summary_by_gender(). -#}
{% macro flows_by_gender(requests, episodes) -%}
    select
        *,
        active_at_start + enrolled as served
    from (
        select
            requests.request_id,
            episodes.gender,
            count_if(episodes.enrolment_date < requests.period_start) as active_at_start,
            count_if(episodes.enrolment_date >= requests.period_start) as enrolled,
            count_if(coalesce(episodes.exit_date <= requests.period_end, false)) as exited,
            count_if(coalesce(episodes.exit_date > requests.period_end, true)) as active_at_end
        from {{ requests }} as requests
        inner join {{ episodes }} as episodes
            on
                {{ in_requested_group('requests', 'episodes') }}
                and episodes.enrolment_date <= requests.period_end
                and coalesce(episodes.exit_date >= requests.period_start, true)
        group by requests.request_id, episodes.gender
    ) as figures
{%- endmacro %}
