{{ config(tags=['figure_consistency'], meta={'dagster': {'ref': {'name': 'outcomes'}}}) }}
{#- The cell key of avslut in outcomes (months, dimension total, each insats and 'Alla
    insatser' as a whole) is recomputed from the episodes: the sum of the record keys of the
    episodes exiting in the month, modulo key_range, and 0 (no outcomes row) when nobody
    exited. So the monthly aggregates and the roll-up count each exit's key once. #}

with

periods as (
    select
        period_label,
        period_start,
        period_end
    from {{ ref('int_periods_spined') }}
    where period_type = 'month'
),

episodes as (
    select
        insats,
        exit_date,
        record_key
    from {{ ref('int_enrolment_episodes_merged') }}
    where exit_date is not null
),

scopes as (
    select distinct insats from episodes
    union
    select 'Alla insatser' as insats
),

recomputed as (
    select
        scopes.insats,
        periods.period_label,
        count(episodes.exit_date) as exits,
        coalesce(sum(episodes.record_key), 0) % {{ var('disclosure')['key_range'] }}
            as exits_cell_key
    from scopes
    cross join periods
    left join episodes
        on
            (scopes.insats = 'Alla insatser' or scopes.insats = episodes.insats)
            and episodes.exit_date between periods.period_start and periods.period_end
    group by scopes.insats, periods.period_label
),

mart_rows as (
    select
        insats,
        period_label,
        exits,
        exits_cell_key
    from {{ ref('outcomes') }}
    where period_type = 'month' and unit = 'Alla enheter' and dimension = 'total'
),

final as (
    select
        coalesce(mart_rows.insats, recomputed.insats) as insats,
        coalesce(mart_rows.period_label, recomputed.period_label) as period_label,
        mart_rows.exits,
        recomputed.exits as recomputed_exits,
        mart_rows.exits_cell_key,
        recomputed.exits_cell_key as recomputed_exits_cell_key
    from mart_rows
    full outer join recomputed
        on
            mart_rows.insats = recomputed.insats
            and mart_rows.period_label = recomputed.period_label
    where
        coalesce(mart_rows.exits_cell_key, 0) is distinct from recomputed.exits_cell_key
        or coalesce(mart_rows.exits, 0) is distinct from recomputed.exits
)

select * from final
