{#- Tid i offentlig försörjning före inskrivningen, mätt: per current case row of a linkable
    person with follow-up consent and an enrolment, the months with public support among
    the 24 months before the enrolment month (support_panel), how many of them the
    extracts cover, and beside them the kartläggning field År i offentlig försörjning as
    months (12 per year, at most the 24 measured). -#}

with

case_rows as (
    select * from {{ ref('int_case_rows_mapped') }}
    where
        has_follow_up_consent
        and person_id is not null
        and enrolment_date is not null
        and not is_wrongly_registered
),

panel as (
    select * from {{ ref('support_panel') }}
),

months as (
    select unnest(generate_series(1, 24)) as months_before
),

case_months as (
    select
        case_rows.case_row_id,
        case_rows.person_id,
        cast(
            date_trunc('month', case_rows.enrolment_date) - to_months(months.months_before)
            as date
        ) as month
    from case_rows
    cross join months
),

measured as (
    select
        case_months.case_row_id,
        cast(count_if(panel.is_on_public_support) as integer) as measured_months_on_public_support,
        cast(count_if(panel.is_covered) as integer) as covered_months
    from case_months
    left join panel
        on case_months.person_id = panel.person_id and case_months.month = panel.month
    group by case_months.case_row_id
),

final as (
    select
        case_rows.case_row_id,
        case_rows.person_id,
        case_rows.organisation,
        case_rows.insats,
        case_rows.unit,
        case_rows.caseworker,
        case_rows.case_id,
        case_rows.extraction_date,
        case_rows.enrolment_date,
        case_rows.years_on_public_support,
        least(12 * case_rows.years_on_public_support, 24) as stated_months_on_public_support,
        measured.measured_months_on_public_support,
        measured.covered_months,
        measured.covered_months = 24 as is_fully_covered
    from case_rows
    inner join measured
        on case_rows.case_row_id = measured.case_row_id
)

select * from final
