{#- Inskrivningsperioder: one row per enrolment episode (see ARCHITECTURE.md). -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
),

esf_rows as (
    select * from {{ ref('stg_raw__esf_participants') }}
    where not is_protected_identity and person_id is not null
),

esf_projects as (
    select * from {{ ref('stg_raw__esf_projects') }}
),

status_occupations as (
    select * from {{ ref('esf_status_occupations') }}
),

-- Sysselsättning vid inskrivning: SCB's Status_start of the same person in an ESF project
-- of the insats, from the report row starting closest to the enrolment.
occupations_at_enrolment as (
    select
        episodes.enrolment_id,
        first(
            status_occupations.occupation
            order by
                abs(
                    esf_rows.start_date
                    - coalesce(episodes.enrolment_date, episodes.referral_date)
                ),
                esf_rows.start_date,
                status_occupations.occupation
        ) as occupation
    from episodes
    inner join esf_projects
        on episodes.insats = esf_projects.insats
    inner join esf_rows
        on
            esf_projects.esf_project = esf_rows.esf_project
            and episodes.person_key = esf_rows.person_id
    inner join status_occupations
        on esf_rows.status_start_code = status_occupations.code
    group by episodes.enrolment_id
),

with_occupation as (
    select
        episodes.*,
        coalesce(occupations_at_enrolment.occupation, 'Okänd') as occupation_at_enrolment
    from episodes
    left join occupations_at_enrolment
        on episodes.enrolment_id = occupations_at_enrolment.enrolment_id
),

final as (
    select
        enrolment_id,
        person_key,
        is_protected_identity,
        is_unlinkable,
        insats,
        unit,
        municipality_code,
        municipality_name,
        referrer,
        referral_date,
        enrolment_date,
        exit_date,
        exit_reason,
        status,
        is_dropout,
        is_goal,
        is_work_or_studies,
        days_enrolled,
        months_enrolled,
        time_enrolled_band,
        gender,
        age_at_enrolment,
        age_band,
        income_source_at_enrolment,
        income_source_at_exit,
        occupation_at_enrolment,
        occupation_at_exit,
        assessment_date,
        case_ids,
        caseworker,
        queue_exit_date,
        is_in_goal_share_base,
        goal_definition,
        case_rows,
        observed_to_date,
        delivered_to_date
    from with_occupation
)

select * from final
