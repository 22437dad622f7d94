{#- Avstämning mot SCB per period: per insats with ESF projects × unit ('Alla enheter' and
    the units its projects cover) × period of the spine, persons enrolled at some time in
    the period in the case system against persons reported to SCB as active at some time
    in it (macro reconciliation_in_periods), each count with its cell key. Periods without
    anyone are left out. -#}

with

intervals as (
    select * from {{ ref('int_reconciliation_intervals') }}
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

scopes as (
    select distinct
        insats,
        'Alla enheter' as unit
    from intervals
    union
    select distinct
        insats,
        project_unit as unit
    from intervals
    where project_unit is not null
),

requests as (
    select
        row_number() over () as request_id,
        scopes.insats,
        scopes.unit,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end
    from scopes
    cross join periods
),

counts as (
    {{ reconciliation_in_periods('requests', 'intervals') }}
),

final as (
    select
        requests.insats,
        requests.unit,
        requests.period_type,
        requests.period_label,
        requests.period_start,
        requests.period_end,
        counts.both_sources,
        counts.only_case_system,
        counts.only_scb,
        counts.persons,
        counts.both_sources_cell_key,
        counts.only_case_system_cell_key,
        counts.only_scb_cell_key,
        counts.persons_cell_key
    from requests
    inner join counts
        on requests.request_id = counts.request_id
)

select * from final
