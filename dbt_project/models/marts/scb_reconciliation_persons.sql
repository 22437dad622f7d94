{#- Avstämning mot SCB per insats × person: a person counts once per insats, matched
    across all ESF projects of the insats, so a person in the case system at one unit and
    reported to SCB under another unit's project is in both sources. `units` lists the
    units of the projects the person is reconciled under (empty for projects covering the
    whole insats): a unit's report counts the persons listing it. -#}

with

reconciled as (
    select * from {{ ref('scb_reconciliation') }}
),

esf_projects as (
    select * from {{ ref('stg_raw__esf_projects') }}
),

persons as (
    select
        reconciled.insats,
        reconciled.person_key,
        bool_or(reconciled.in_case_system) as in_case_system,
        bool_or(reconciled.in_scb) as in_scb,
        list(distinct esf_projects.unit order by esf_projects.unit) filter (
            where esf_projects.unit is not null
        ) as units
    from reconciled
    left join esf_projects
        on reconciled.esf_project = esf_projects.esf_project
    group by reconciled.insats, reconciled.person_key
),

final as (
    select
        insats,
        person_key,
        in_case_system,
        in_scb,
        case
            when in_case_system and in_scb then 'both'
            when in_case_system then 'only_case_system'
            else 'only_scb'
        end as status,
        coalesce(units, []) as units
    from persons
)

select * from final
