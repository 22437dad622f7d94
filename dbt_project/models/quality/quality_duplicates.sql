{#- Open enrolments of identified persons (protected identities are never linked) in the
    current case rows, Felregistrering left out: one row per case row, failing when the
    same person has another open enrolment in the same insats. Open since the later
    enrolment; the problem names the other cases by ÄrendeID. -#}

with

case_rows as (
    select * from {{ ref('quality_case_rows') }}
),

open_cases as (
    select
        *,
        count(*) over (partition by person_id, insats) as open_enrolments,
        max(enrolment_date) over (partition by person_id, insats) as latest_enrolment_date,
        list(case_id) over (partition by person_id, insats) as case_ids
    from case_rows
    where
        enrolment_date is not null
        and exit_date is null
        and person_id is not null
        and not is_protected_identity
),

final as (
    select
        open_cases.case_row_id as finding_id,
        'unique_open_enrolment' as expectation,
        'unique_open_enrolment' as "check",
        1.0 as threshold,
        open_cases.open_enrolments = 1 as is_passing,
        open_cases.organisation,
        open_cases.insats,
        open_cases.unit,
        open_cases.caseworker,
        open_cases.case_id,
        'exit_date' as field,
        case
            when open_cases.open_enrolments > 1
                then
                    'Personen har ' || open_cases.open_enrolments
                    || ' öppna inskrivningar i insatsen (ÄrendeID '
                    || array_to_string(list_sort(open_cases.case_ids), ', ') || ')'
        end as problem,
        open_cases.latest_enrolment_date as since_date,
        date_diff('day', open_cases.latest_enrolment_date, open_cases.as_of) as days_open,
        2 as priority
    from open_cases
)

select * from final
