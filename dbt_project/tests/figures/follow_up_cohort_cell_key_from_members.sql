{{ config(tags=['figure_consistency'], meta={'dagster': {'ref': {'name': 'follow_up_status'}}}) }}
{#- The cohort and its cell key in follow_up_status (months, dimension all, month 6 after
    exit, each insats and 'Alla insatser') are recomputed from the followed-up exits: the
    record keys of the members exiting in the month summed modulo key_range. So the monthly
    aggregates and the roll-up count each member's key once. #}

with

members as (
    select
        insats,
        exit_month,
        record_key
    from {{ ref('int_exits_followed_up') }}
    where is_cohort_member
),

scopes as (
    select distinct insats from members
    union
    select 'Alla insatser' as insats
),

recomputed as (
    select
        scopes.insats,
        strftime(members.exit_month, '%Y-%m') as period_label,
        count(*) as cohort,
        sum(members.record_key) % {{ var('disclosure')['key_range'] }} as cohort_cell_key
    from scopes
    inner join members
        on scopes.insats = 'Alla insatser' or scopes.insats = members.insats
    group by scopes.insats, members.exit_month
),

mart_rows as (
    select
        insats,
        period_label,
        cohort,
        cohort_cell_key
    from {{ ref('follow_up_status') }}
    where
        period_type = 'month' and dimension = 'all' and months_after = 6 and cohort > 0
),

final as (
    select
        coalesce(mart_rows.insats, recomputed.insats) as insats,
        coalesce(mart_rows.period_label, recomputed.period_label) as period_label,
        mart_rows.cohort,
        recomputed.cohort as recomputed_cohort,
        mart_rows.cohort_cell_key,
        recomputed.cohort_cell_key as recomputed_cohort_cell_key
    from mart_rows
    full outer join recomputed
        on
            mart_rows.insats = recomputed.insats
            and mart_rows.period_label = recomputed.period_label
    where
        mart_rows.cohort_cell_key is distinct from recomputed.cohort_cell_key
        or mart_rows.cohort is distinct from recomputed.cohort
)

select * from final
