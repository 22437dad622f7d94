{#- Avstämning mot SCB per insats × unit: a person counts once per insats, matched across
    all ESF projects of the insats (scb_reconciliation_persons); a unit counts the persons
    reconciled under one of its projects, 'Alla enheter' every person of the insats. Each
    count has its cell key (macro reconciliation_counts). -#}

with

persons as (
    select * from {{ ref('scb_reconciliation_persons') }}
),

person_units as (
    select
        insats,
        person_key,
        status,
        'Alla enheter' as unit
    from persons
    union all
    select
        insats,
        person_key,
        status,
        unnest(units) as unit
    from persons
),

final as (
    select
        insats,
        unit,
        {{ reconciliation_counts('status', 'person_key') }}
    from person_units
    group by insats, unit
)

select * from final
