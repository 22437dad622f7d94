{#- Avstämning mot SCB per ESF project × person: persons enrolled in the project's insats
    (and unit, when the project covers one unit) in the case system against persons
    reported to SCB for the project. Protected identities cannot be linked and are left
    out (they are counted in enrolments and esf_participants). -#}

with

case_rows as (
    select * from {{ ref('int_case_rows_mapped') }}
    where
        not is_wrongly_registered
        and not has_exit_before_enrolment
        and not is_protected_identity
        and person_id is not null
        and enrolment_date is not null
),

reported as (
    select * from {{ ref('stg_raw__esf_participants') }}
    where not is_protected_identity and person_id is not null
),

esf_projects as (
    select * from {{ ref('stg_raw__esf_projects') }}
),

in_case_system as (
    select distinct
        esf_projects.esf_project,
        esf_projects.insats,
        case_rows.person_key
    from case_rows
    inner join esf_projects
        on
            case_rows.insats = esf_projects.insats
            and (esf_projects.unit is null or case_rows.unit = esf_projects.unit)
),

in_scb as (
    select distinct
        reported.esf_project,
        esf_projects.insats,
        reported.person_id as person_key
    from reported
    left join esf_projects
        on reported.esf_project = esf_projects.esf_project
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
