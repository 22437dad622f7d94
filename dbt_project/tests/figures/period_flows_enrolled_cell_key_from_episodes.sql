{{ config(tags=['figure_consistency'], meta={'dagster': {'ref': {'name': 'period_flows'}}}) }}
{#- The cell key of inskrivna in period_flows (calendar years, each insats and 'Alla
    insatser' as a whole) is recomputed from the episodes: the sum of the record keys of the
    episodes enrolled in the year, modulo key_range, and 0 when nobody was enrolled. So the
    running key sums count each enrolled episode's key once, in the period it is counted. #}

with

flows as (
    select
        insats,
        period_label,
        period_start,
        period_end,
        enrolled,
        enrolled_cell_key
    from {{ ref('period_flows') }}
    where period_type = 'calendar_year' and unit = 'Alla enheter'
),

episodes as (
    select
        insats,
        enrolment_date,
        record_key
    from {{ ref('int_enrolment_episodes_merged') }}
),

recomputed as (
    select
        flows.insats,
        flows.period_label,
        count(episodes.record_key) as enrolled,
        coalesce(sum(episodes.record_key), 0) % {{ var('disclosure')['key_range'] }}
            as enrolled_cell_key
    from flows
    left join episodes
        on
            (flows.insats = 'Alla insatser' or flows.insats = episodes.insats)
            and episodes.enrolment_date between flows.period_start and flows.period_end
    group by flows.insats, flows.period_label
),

final as (
    select
        flows.insats,
        flows.period_label,
        flows.enrolled,
        recomputed.enrolled as recomputed_enrolled,
        flows.enrolled_cell_key,
        recomputed.enrolled_cell_key as recomputed_enrolled_cell_key
    from flows
    inner join recomputed
        on
            flows.insats = recomputed.insats
            and flows.period_label = recomputed.period_label
    where
        flows.enrolled_cell_key is distinct from recomputed.enrolled_cell_key
        or flows.enrolled is distinct from recomputed.enrolled
)

select * from final
