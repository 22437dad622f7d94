{#- Running balances (löpande saldon) per insats × group (unit or municipality) on every
    day something happens: cumulative enrolments, exits, dropouts, queue entries and exits,
    the number active at the end of the day and its running sum over days (participant-days).
    Any period's flows are differences of two balances (macro flow_figures), so no person ×
    day rows are ever built. Beside each count runs the sum of the counted episodes' record
    keys (`*_key_sum`, BIGINT, Cell Key Method): keys are summed as the counts are, so a
    period's cell key is cell_key() of the same difference of two balances. The group `all_groups` and 'Alla insatser' are grouped from the
    episodes, not summed from groups: an episode at several units counts once in its insats.
    Used by int_flow_balances_accumulated (units) and int_municipality_balances_accumulated. -#}
{% macro running_balances(episodes, group_column, all_groups) -%}
    with

    events as (
        select
            insats,
            {{ group_column }},
            enrolment_date as event_date,
            1 as enrolled,
            0 as exited,
            0 as dropouts,
            0 as queue_entered,
            0 as queue_left,
            record_key as enrolled_key,
            0 as exited_key,
            0 as dropouts_key,
            0 as queue_entered_key,
            0 as queue_left_key
        from {{ episodes }}
        where enrolment_date is not null
        union all
        select
            insats,
            {{ group_column }},
            exit_date as event_date,
            0 as enrolled,
            1 as exited,
            case when is_dropout then 1 else 0 end as dropouts,
            0 as queue_entered,
            0 as queue_left,
            0 as enrolled_key,
            record_key as exited_key,
            case when is_dropout then record_key else 0 end as dropouts_key,
            0 as queue_entered_key,
            0 as queue_left_key
        from {{ episodes }}
        where exit_date is not null
        union all
        -- Kö: from referral (or enrolment, when the referral date is unknown or later).
        select
            insats,
            {{ group_column }},
            least(referral_date, enrolment_date) as event_date,
            0 as enrolled,
            0 as exited,
            0 as dropouts,
            1 as queue_entered,
            0 as queue_left,
            0 as enrolled_key,
            0 as exited_key,
            0 as dropouts_key,
            record_key as queue_entered_key,
            0 as queue_left_key
        from {{ episodes }}
        where least(referral_date, enrolment_date) is not null
        union all
        select
            insats,
            {{ group_column }},
            coalesce(enrolment_date, queue_exit_date) as event_date,
            0 as enrolled,
            0 as exited,
            0 as dropouts,
            0 as queue_entered,
            1 as queue_left,
            0 as enrolled_key,
            0 as exited_key,
            0 as dropouts_key,
            0 as queue_entered_key,
            record_key as queue_left_key
        from {{ episodes }}
        where
            least(referral_date, enrolment_date) is not null
            and coalesce(enrolment_date, queue_exit_date) is not null
    ),

    daily as (
        select
            coalesce(insats, 'Alla insatser') as insats,
            coalesce({{ group_column }}, '{{ all_groups }}') as {{ group_column }},
            event_date,
            sum(enrolled) as enrolled,
            sum(exited) as exited,
            sum(dropouts) as dropouts,
            sum(queue_entered) as queue_entered,
            sum(queue_left) as queue_left,
            sum(enrolled_key) as enrolled_key,
            sum(exited_key) as exited_key,
            sum(dropouts_key) as dropouts_key,
            sum(queue_entered_key) as queue_entered_key,
            sum(queue_left_key) as queue_left_key
        from events
        -- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa.
        group by grouping sets (  -- noqa: PRS
            (insats, {{ group_column }}, event_date), (insats, event_date),
            ({{ group_column }}, event_date), (event_date)
        )
    ),

    cumulative as (
        select
            insats,
            {{ group_column }},
            event_date,
            sum(enrolled) over running as cumulative_enrolled,
            sum(exited) over running as cumulative_exited,
            sum(dropouts) over running as cumulative_dropouts,
            sum(queue_entered) over running - sum(queue_left) over running as queue_at_end_of_day,
            sum(enrolled_key) over running as cumulative_enrolled_key_sum,
            sum(exited_key) over running as cumulative_exited_key_sum,
            sum(dropouts_key) over running as cumulative_dropouts_key_sum,
            sum(queue_entered_key) over running
            - sum(queue_left_key) over running as queue_at_end_of_day_key_sum
        from daily
        window running as (partition by insats, {{ group_column }} order by event_date rows unbounded preceding)
    ),

    with_active as (
        select
            *,
            cumulative_enrolled - cumulative_exited as active_at_end_of_day,
            cumulative_enrolled_key_sum - cumulative_exited_key_sum as active_at_end_of_day_key_sum
        from cumulative
    ),

    with_previous as (
        select
            *,
            coalesce(lag(active_at_end_of_day) over by_day, 0) as previous_active,
            coalesce(event_date - lag(event_date) over by_day - 1, 0) as days_since_previous
        from with_active
        window by_day as (partition by insats, {{ group_column }} order by event_date)
    ),

    final as (
        select
            insats,
            {{ group_column }},
            event_date,
            cast(cumulative_enrolled as bigint) as cumulative_enrolled,
            cast(cumulative_exited as bigint) as cumulative_exited,
            cast(cumulative_dropouts as bigint) as cumulative_dropouts,
            cast(active_at_end_of_day as bigint) as active_at_end_of_day,
            cast(queue_at_end_of_day as bigint) as queue_at_end_of_day,
            -- Participant-days (deltagardagar) up to and including event_date.
            cast(sum(previous_active * days_since_previous + active_at_end_of_day) over (
                partition by insats, {{ group_column }} order by event_date rows unbounded preceding
            ) as bigint) as active_days_to_date,
            -- Record-key sums of the same counts (cell keys: macro cell_key).
            cast(cumulative_enrolled_key_sum as bigint) as cumulative_enrolled_key_sum,
            cast(cumulative_exited_key_sum as bigint) as cumulative_exited_key_sum,
            cast(cumulative_dropouts_key_sum as bigint) as cumulative_dropouts_key_sum,
            cast(active_at_end_of_day_key_sum as bigint) as active_at_end_of_day_key_sum,
            cast(queue_at_end_of_day_key_sum as bigint) as queue_at_end_of_day_key_sum
        from with_previous
    )

    select * from final
{%- endmacro %}
