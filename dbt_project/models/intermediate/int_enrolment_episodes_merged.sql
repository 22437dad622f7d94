{#- Enrolment episodes (inskrivningsperioder): one person's continuous enrolment in one
    insats. Overlapping rows of the same person in one insats (two units, or the same
    enrolment delivered by two sources) become one episode; an enrolment on the day an
    earlier one ended is a new episode (the first exit counts); protected identities are a
    person per row and so never merge. Felregistrering rows, and rows whose exit precedes
    their enrolment, are left out of every count. An active episode is observed up to the
    latest extraction of the deliveries it came in (delivered_to_date): its time enrolled,
    and its censoring in time to outcome, end there. -#}

with

case_rows as (
    select * replace (coalesce(insats, 'Okänd insats') as insats)
    from {{ ref('int_case_rows_mapped') }}
    where not is_wrongly_registered and not has_exit_before_enrolment
),

insats_config as (
    -- Configured rules, or the configuration's defaults for an unconfigured insats.
    select * from {{ ref('int_insats_rules_defaulted') }}
),

observed as (
    -- Active episodes are measured up to the latest extraction of the current deliveries.
    select max(extraction_date) as observed_to_date from case_rows
),

enrolled_rows as (
    -- Only what numbering the episodes needs: the windows sort these rows, not whole ones.
    select
        case_row_id,
        person_key,
        insats,
        enrolment_date,
        coalesce(exit_date, date '9999-12-31') as open_exit_date
    from case_rows
    where enrolment_date is not null
),

with_previous_end as (
    select
        *,
        max(open_exit_date) over (
            partition by person_key, insats
            order by enrolment_date, open_exit_date
            rows between unbounded preceding and 1 preceding
        ) as previous_exit_date
    from enrolled_rows
),

enrolled_numbered as (
    select
        *,
        sum(
            case
                when previous_exit_date is null or enrolment_date >= previous_exit_date then 1
                else 0
            end
        ) over (
            partition by person_key, insats
            order by enrolment_date, open_exit_date
            rows unbounded preceding
        ) as episode_number
    from with_previous_end
),

episode_keys as (
    select
        case_row_id,
        person_key || '|' || insats || '|' || episode_number as episode_key
    from enrolled_numbered
    union all
    -- Still in the queue (or left it without enrolling): each row is an episode of its own.
    select
        case_row_id,
        case_row_id as episode_key
    from case_rows
    where enrolment_date is null
),

episode_rows as (
    select
        case_rows.*,
        episode_keys.episode_key,
        -- The order of an episode's rows by enrolment and by exit; on one date, by row id, so
        -- the values taken from the first or last row do not depend on the order of a scan.
        strftime(coalesce(case_rows.enrolment_date, case_rows.referral_date), '%Y-%m-%d')
        || case_rows.case_row_id as enrolment_order,
        strftime(case_rows.exit_date, '%Y-%m-%d') || case_rows.case_row_id as exit_order
    from case_rows
    inner join episode_keys
        on case_rows.case_row_id = episode_keys.case_row_id
),

episodes as (
    select
        episode_key,
        min(case_row_id) as enrolment_id,
        any_value(person_key) as person_key,
        bool_or(is_protected_identity) as is_protected_identity,
        bool_or(is_unlinkable) as is_unlinkable,
        any_value(insats) as insats,
        case
            when count(distinct unit) > 1 then 'Flera enheter'
            else coalesce(min(unit), 'Okänd enhet')
        end as unit,
        case when count(distinct municipality_code) > 1 then null else min(municipality_code) end
            as municipality_code,
        {{ episode_municipality('municipality_name') }} as municipality_name,
        -- The earliest referral; on one date, the first referrer by name (deterministic).
        arg_min(referrer, strftime(coalesce(referral_date, enrolment_date), '%Y-%m-%d') || referrer)
            as referrer,
        min(referral_date) as referral_date,
        min(enrolment_date) as enrolment_date,
        case when bool_or(exit_date is null) then null else max(exit_date) end as exit_date,
        arg_max(exit_reason, exit_order) as exit_reason,
        arg_min(gender, enrolment_order) as gender,
        arg_min(birth_year, enrolment_order) as birth_year,
        arg_min(age_at_enrolment, enrolment_order) as age_at_enrolment,
        arg_min(income_source_at_enrolment, enrolment_order) as income_source_at_enrolment,
        arg_min(income_extent_at_enrolment, enrolment_order) as income_extent_at_enrolment,
        arg_max(income_source_at_exit, exit_order) as income_source_at_exit,
        arg_max(occupation_at_exit, exit_order) as occupation_at_exit,
        min(assessment_date) as assessment_date,
        list(case_id order by coalesce(enrolment_date, referral_date), case_id) as case_ids,
        list_sort(list(case_row_id)) as case_row_ids,
        arg_max(caseworker, enrolment_order) as caseworker,
        count(*) as case_rows,
        -- Follow-up after exit rests on consent: one of the episode's rows gave it.
        bool_or(has_follow_up_consent) as has_follow_up_consent,
        -- Knowledge of the episode ends with the latest delivery it came in.
        max(extraction_date) as delivered_to_date
    from episode_rows
    group by episode_key
),

with_rules as (
    select
        episodes.* exclude (episodes.episode_key, episodes.exit_date),
        -- A row that left the queue without enrolling has no exit from an enrolment.
        case when episodes.enrolment_date is not null then episodes.exit_date end as exit_date,
        case when episodes.enrolment_date is null then episodes.exit_date end as queue_exit_date,
        case
            when episodes.enrolment_date is null and episodes.exit_date is null then 'kö'
            when episodes.exit_date is null then 'aktiv'
            else 'avslutad'
        end as status,
        case
            when episodes.enrolment_date is not null
                then
                    coalesce(
                        episodes.exit_date,
                        greatest(episodes.delivered_to_date, episodes.enrolment_date)
                    )
                    - episodes.enrolment_date
        end as days_enrolled,
        observed.observed_to_date,
        insats_config.trial_days,
        insats_config.goal_reasons,
        insats_config.dropout_reasons,
        insats_config.exclude_dropouts_from_goal_share,
        coalesce(insats_config.goal_definition, {{ missing_goal_definition() }}) as goal_definition
    from episodes
    cross join observed
    left join insats_config
        on episodes.insats = insats_config.insats
),

classified as (
    select
        * exclude (goal_reasons, dropout_reasons),
        {{ months_from_days('days_enrolled') }} as months_enrolled,
        {{ time_enrolled_band('enrolment_date', 'coalesce(exit_date, delivered_to_date)') }}
            as time_enrolled_band,
        {{ age_band('age_at_enrolment') }} as age_band,
        -- Tidigt avhopp: exit within the trial days, or with a configured dropout reason.
        exit_date is not null and (
            coalesce(list_contains(dropout_reasons, exit_reason), false)
            or (trial_days > 0 and days_enrolled <= trial_days)
        ) as is_dropout,
        exit_date is not null and coalesce(list_contains(goal_reasons, exit_reason), false)
            as is_goal,
        exit_date is not null
        and coalesce(exit_reason in {{ work_or_studies_exit_reasons() }}, false)
            as is_work_or_studies
    from with_rules
),

final as (
    select
        *,
        -- The person's record key for disclosure control (Cell Key Method).
        {{ record_key('person_key') }} as record_key,
        -- Andel i mål is counted among exits excluding dropouts when the insats says so.
        exit_date is not null
        and not (is_dropout and coalesce(exclude_dropouts_from_goal_share, true))
            as is_in_goal_share_base
    from classified
)

select * from final
