with

delivered as (
    {{ current_file_rows('esf_participants') }}
),

final as (
    select
        file_id,
        source_file,
        cast(row_number as integer) as row_number,
        organisation,
        cast(extraction_date as date) as extraction_date,
        trim(project_number) as esf_project,
        person_id,
        coalesce(is_protected_identity, false) as is_protected_identity,
        cast(birth_year as integer) as birth_year,
        upper(trim(gender)) as gender,
        cast(age_at_start as integer) as age_at_start,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(status_start as integer) as status_start_code,
        cast(education as integer) as education_code,
        cast(exit_reason as integer) as exit_reason_code,
        cast(exit_reason_2 as integer) as exit_reason_2_code,
        cast(attended_hours as double) as attended_hours
    from delivered
)

select * from final
