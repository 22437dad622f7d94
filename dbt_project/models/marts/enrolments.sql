{#- Inskrivningsperioder: one row per enrolment episode (see ARCHITECTURE.md). -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
),

final as (
    select
        enrolment_id,
        person_key,
        is_protected_identity,
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
        -- No source delivers sysselsättning at enrolment yet (see the model description).
        cast(null as varchar) as occupation_at_enrolment,
        occupation_at_exit,
        assessment_date,
        case_ids,
        caseworker,
        queue_exit_date,
        is_in_goal_share_base,
        goal_definition,
        case_rows,
        observed_to_date
    from episodes
)

select * from final
