{#- Avstämning mot SCB per period, its observations: each time a person was enrolled under
    an ESF project of an insats in the case system (source 'case': enrolment to exit, or to
    the delivery's extraction when still active) or reported to SCB as active in it (source
    'scb': start to end, or to the report's extraction). project_unit is the unit the
    project covers (null for the whole insats); a reported project missing from the
    configuration has no insats. Protected identities and persons without a usable
    personnummer cannot be linked and are left out.
    scb_reconciliation (all time) and scb_reconciliation_periods read it. -#}

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

final as (
    select
        esf_projects.insats,
        esf_projects.esf_project,
        esf_projects.unit as project_unit,
        case_rows.person_key,
        'case' as source,
        case_rows.enrolment_date as start_date,
        coalesce(case_rows.exit_date, case_rows.extraction_date) as end_date
    from case_rows
    inner join esf_projects
        on
            case_rows.insats = esf_projects.insats
            and (esf_projects.unit is null or case_rows.unit = esf_projects.unit)
    union all
    select
        esf_projects.insats,
        reported.esf_project,
        esf_projects.unit as project_unit,
        reported.person_id as person_key,
        'scb' as source,
        reported.start_date,
        coalesce(reported.end_date, reported.extraction_date) as end_date
    from reported
    left join esf_projects
        on reported.esf_project = esf_projects.esf_project
)

select * from final
