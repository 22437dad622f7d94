{#- Deltagarens tidslinje: remiss (one per delivered case row, with its referrer),
    inskrivning, kartläggning and avslut events of every episode. -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
),

case_rows as (
    select * from {{ ref('int_case_rows_mapped') }}
),

episode_rows as (
    select
        enrolment_id,
        unnest(case_row_ids) as case_row_id
    from episodes
),

referrals as (
    select
        episodes.person_key,
        episodes.enrolment_id,
        episodes.insats,
        episodes.unit,
        coalesce(case_rows.referral_date, case_rows.enrolment_date) as event_date,
        'remiss' as event_type,
        case_rows.referrer,
        case_rows.income_source_at_enrolment as income_source,
        cast(null as varchar) as occupation,
        case_rows.case_row_id as event_source_id
    from episode_rows
    inner join episodes on episode_rows.enrolment_id = episodes.enrolment_id
    inner join case_rows on episode_rows.case_row_id = case_rows.case_row_id
),

episode_events as (
    select
        person_key,
        enrolment_id,
        insats,
        unit,
        enrolment_date as event_date,
        'inskrivning' as event_type,
        referrer,
        income_source_at_enrolment as income_source,
        cast(null as varchar) as occupation,
        enrolment_id as event_source_id
    from episodes
    where enrolment_date is not null
    union all
    select
        person_key,
        enrolment_id,
        insats,
        unit,
        assessment_date as event_date,
        'kartläggning' as event_type,
        null as referrer,
        null as income_source,
        null as occupation,
        enrolment_id as event_source_id
    from episodes
    where assessment_date is not null
    union all
    select
        person_key,
        enrolment_id,
        insats,
        unit,
        exit_date as event_date,
        'avslut' as event_type,
        null as referrer,
        income_source_at_exit as income_source,
        occupation_at_exit as occupation,
        enrolment_id as event_source_id
    from episodes
    where exit_date is not null
),

final as (
    select
        md5(enrolment_id || '|' || event_type || '|' || event_source_id) as event_id,
        person_key,
        enrolment_id,
        insats,
        unit,
        event_date,
        event_type,
        referrer,
        income_source,
        occupation
    from (
        select * from referrals
        union all
        select * from episode_events
    ) as events
)

select * from final
