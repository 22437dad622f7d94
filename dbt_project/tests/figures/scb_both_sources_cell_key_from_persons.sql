{{ config(
    tags=['figure_consistency'],
    meta={'dagster': {'ref': {'name': 'scb_reconciliation_by_unit'}}}
) }}
{#- The cell key of persons in both sources (both_sources_cell_key) is recomputed from the
    persons: the sum of record_key(person_key) over the persons in both sources, modulo
    key_range (0 when there are none), for every ESF project (scb_reconciliation), every
    insats × unit since the first delivery (scb_reconciliation_persons) and every period of
    the insats as a whole (persons found in both sources' intervals in the period). #}

{%- set key_range = var('disclosure')['key_range'] %}

with

by_project as (
    select
        'project' as scope,
        projects.esf_project as scope_name,
        projects.both_sources_cell_key,
        coalesce(sum({{ record_key('persons.person_key') }}) filter (
            where persons.status = 'both'
        ), 0) % {{ key_range }} as recomputed_cell_key
    from {{ ref('scb_reconciliation_by_project') }} as projects
    left join {{ ref('scb_reconciliation') }} as persons
        on
            projects.esf_project = persons.esf_project
            and projects.insats is not distinct from persons.insats
    group by projects.esf_project, projects.insats, projects.both_sources_cell_key
),

by_unit as (
    select
        'unit' as scope,
        units.insats || ' / ' || units.unit as scope_name,
        units.both_sources_cell_key,
        coalesce(sum({{ record_key('persons.person_key') }}) filter (
            where persons.status = 'both'
        ), 0) % {{ key_range }} as recomputed_cell_key
    from {{ ref('scb_reconciliation_by_unit') }} as units
    left join {{ ref('scb_reconciliation_persons') }} as persons
        on
            units.insats = persons.insats
            and (units.unit = 'Alla enheter' or list_contains(persons.units, units.unit))
    group by units.insats, units.unit, units.both_sources_cell_key
),

period_persons as (
    select
        periods.insats,
        periods.period_type,
        periods.period_label,
        periods.both_sources_cell_key,
        intervals.person_key,
        bool_or(intervals.source = 'case') and bool_or(intervals.source = 'scb') as is_both
    from {{ ref('scb_reconciliation_periods') }} as periods
    inner join {{ ref('int_reconciliation_intervals') }} as intervals
        on
            periods.insats = intervals.insats
            and periods.period_end >= intervals.start_date
            and periods.period_start <= intervals.end_date
    where periods.unit = 'Alla enheter'
    group by all
),

by_period as (
    select
        'period' as scope,
        insats || ' / ' || period_type || ' ' || period_label as scope_name,
        both_sources_cell_key,
        coalesce(sum({{ record_key('person_key') }}) filter (where is_both), 0)
        % {{ key_range }} as recomputed_cell_key
    from period_persons
    group by insats, period_type, period_label, both_sources_cell_key
),

final as (
    select * from by_project
    where both_sources_cell_key is distinct from recomputed_cell_key
    union all
    select * from by_unit
    where both_sources_cell_key is distinct from recomputed_cell_key
    union all
    select * from by_period
    where both_sources_cell_key is distinct from recomputed_cell_key
)

select * from final
