{#- Avstämning mot SCB per ESF project × person: persons enrolled in the project's insats
    (and unit, when the project covers one unit) in the case system against persons
    reported to SCB for the project. Protected identities cannot be linked and are left
    out (they are counted in enrolments and esf_participants). -#}

with

intervals as (
    select * from {{ ref('int_reconciliation_intervals') }}
),

in_case_system as (
    select distinct
        esf_project,
        insats,
        person_key
    from intervals
    where source = 'case'
),

in_scb as (
    select distinct
        esf_project,
        insats,
        person_key
    from intervals
    where source = 'scb'
),

final as (
    select
        coalesce(in_case_system.esf_project, in_scb.esf_project) as esf_project,
        coalesce(in_case_system.insats, in_scb.insats) as insats,
        coalesce(in_case_system.person_key, in_scb.person_key) as person_key,
        in_case_system.person_key is not null as in_case_system,
        in_scb.person_key is not null as in_scb,
        case
            when in_case_system.person_key is not null and in_scb.person_key is not null
                then 'both'
            when in_case_system.person_key is not null then 'only_case_system'
            else 'only_scb'
        end as status
    from in_case_system
    full outer join in_scb
        on
            in_case_system.esf_project = in_scb.esf_project
            and in_case_system.person_key = in_scb.person_key
)

select * from final
