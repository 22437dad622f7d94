{#- År i offentlig försörjning against the extracts: one row per case row whose 24 months
    before enrolment the extracts fully cover and whose kartläggning states the years
    (int_support_before_enrolment_measured); failing when the measured months with public
    support and the stated ones (least(12 × years, 24)) differ by more than the meta's
    max_difference_months. -#}
{%- set max_difference = (config.get('meta') or {}).get('max_difference_months', 12) -%}

with

measured as (
    select * from {{ ref('int_support_before_enrolment_measured') }}
    where is_fully_covered and years_on_public_support is not null
),

quality_run as (
    select * from {{ ref('quality_run') }}
),

final as (
    select
        measured.case_row_id || '|support_history:years_on_public_support' as finding_id,
        'support_history:years_on_public_support' as expectation,
        'support_history:years_on_public_support' as "check",
        1.0 as threshold,
        abs(
            measured.measured_months_on_public_support - measured.stated_months_on_public_support
        ) <= {{ max_difference }} as is_passing,
        measured.organisation,
        measured.insats,
        measured.unit,
        measured.caseworker,
        measured.case_id,
        'years_on_public_support' as field,
        case
            when
                abs(
                    measured.measured_months_on_public_support
                    - measured.stated_months_on_public_support
                ) > {{ max_difference }}
                then
                    'År i offentlig försörjning ' || measured.years_on_public_support
                    || ' (' || measured.stated_months_on_public_support
                    || ' av de 24 månaderna före inskrivningen) men försörjningsregistren visar '
                    || measured.measured_months_on_public_support
                    || ' månader med offentlig försörjning'
        end as problem,
        measured.extraction_date as since_date,
        date_diff('day', measured.extraction_date, quality_run.as_of) as days_open,
        2 as priority
    from measured
    cross join quality_run
)

select * from final
