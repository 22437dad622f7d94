with

delivered as (
    {{ current_file_rows('case_enrolments') }}
),

final as (
    select
        file_id,
        source_file,
        cast(row_number as integer) as row_number,
        organisation,
        cast(extraction_date as date) as extraction_date,
        source_kind,
        cast(case_id as varchar) as case_id,
        person_id,
        coalesce(is_protected_identity, false) as is_protected_identity,
        coalesce(is_coordination_number, false) as is_coordination_number,
        cast(birth_year as integer) as birth_year,
        upper(trim(gender)) as gender,
        cast(age_at_enrolment as integer) as age_at_enrolment,
        trim(insats) as insats,
        trim(unit) as unit,
        trim(caseworker) as caseworker,
        referrer as referrer_label,
        cast(referral_date as date) as referral_date,
        cast(enrolment_date as date) as enrolment_date,
        cast(exit_date as date) as exit_date,
        exit_reason as exit_reason_label,
        income_source_at_enrolment as income_source_at_enrolment_label,
        cast(income_extent_at_enrolment as integer) as income_extent_at_enrolment,
        income_source_at_exit as income_source_at_exit_label,
        occupation_at_exit as occupation_at_exit_label,
        cast(occupation_extent_at_exit as integer) as occupation_extent_at_exit,
        cast(assessment_date as date) as assessment_date,
        education_level as education_level_label,
        birth_region as birth_region_label,
        work_experience as work_experience_label,
        cast(years_on_public_support as integer) as years_on_public_support,
        physical_health as physical_health_label,
        mental_health as mental_health_label,
        language_support_need as language_support_need_label,
        work_capacity as work_capacity_label,
        cast(attended_hours as double) as attended_hours,
        -- Samtycke uppföljning: J or JA (as delivered, any case) is consent to follow-up
        -- through the paying agencies' registers; N, empty or absent is none.
        coalesce(upper(trim(follow_up_consent)) in ('J', 'JA'), false) as has_follow_up_consent,
        -- Fields delivered but unusable, so nulled at ingest (empty for rows loaded before
        -- ingest recorded them).
        coalesce(nulled_fields, cast([] as varchar[])) as nulled_fields,
        -- An ÄrendeID delivered on several rows of one delivery: the last row counts, the
        -- others are a finding (quality_validity), never a stop.
        count(*) over (partition by source_kind, organisation, case_id)
            as rows_with_case_id
    from delivered
    qualify
        row_number() over (
            partition by source_kind, organisation, case_id
            order by row_number desc
        ) = 1
)

select * from final
