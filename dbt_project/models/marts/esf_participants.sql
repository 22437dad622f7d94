{#- ESF-deltagare per insats × person in the current SCB reports. The unit comes from the
    project (raw.esf_projects); a person in projects of different units is 'Flera enheter'
    and so counts in no single unit but once in the insats. Protected identities are a
    person per reported row. -#}

with

reported as (
    select * from {{ ref('stg_raw__esf_participants') }}
),

esf_projects as (
    select * from {{ ref('stg_raw__esf_projects') }}
),

exit_reasons as (
    select * from {{ ref('esf_exit_reasons') }}
),

reported_rows as (
    select
        reported.*,
        coalesce(esf_projects.insats, 'Okänd insats') as insats,
        esf_projects.unit,
        case
            when reported.is_protected_identity or reported.person_id is null
                then 'skyddad-' || md5(reported.file_id || '|' || reported.row_number)
            else reported.person_id
        end as person_key,
        max(reported.extraction_date) over () as observed_to_date
    from reported
    left join esf_projects
        on reported.esf_project = esf_projects.esf_project
),

persons as (
    select
        insats,
        person_key,
        list(distinct esf_project order by esf_project) as esf_project,
        case
            when count(distinct coalesce(unit, '')) > 1 then 'Flera enheter'
            else coalesce(min(unit), 'Alla enheter')
        end as unit,
        arg_min(gender, start_date) as gender,
        arg_min(age_at_start, start_date) as age_at_start,
        min(start_date) as start_date,
        case when bool_or(end_date is null) then null else max(end_date) end as end_date,
        arg_max(exit_reason_code, end_date) as exit_reason_code,
        arg_max(exit_reason_2_code, end_date) as exit_reason_2_code,
        max(observed_to_date) as observed_to_date
    from reported_rows
    group by insats, person_key
),

final as (
    select
        persons.esf_project,
        persons.insats,
        persons.unit,
        persons.person_key,
        persons.gender,
        persons.age_at_start,
        persons.start_date,
        persons.end_date,
        persons.exit_reason_code,
        exit_reasons.label as exit_reason_label,
        persons.exit_reason_2_code,
        {{ months_from_days(
            'coalesce(persons.end_date, persons.observed_to_date) - persons.start_date'
        ) }} as months_enrolled,
        {{ time_enrolled_band(
            'persons.start_date', 'coalesce(persons.end_date, persons.observed_to_date)'
        ) }} as time_enrolled_band,
        coalesce(persons.exit_reason_code in (1, 2), false) as is_work_or_studies
    from persons
    left join exit_reasons
        on persons.exit_reason_code = exit_reasons.code
)

select * from final
