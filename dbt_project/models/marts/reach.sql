{#- Räckvidd: distinct persons enrolled at some time in the year at a unit of the
    municipality, per 1 000 inhabitants aged 16-64 (SCB population, both genders). A
    person enrolled at units in two municipalities counts in each. -#}

with

case_rows as (
    select * from {{ ref('int_case_rows_mapped') }}
    where
        not is_wrongly_registered
        and not has_exit_before_enrolment
        and enrolment_date is not null
        and municipality_code is not null
),

population as (
    select * from {{ ref('stg_raw__population') }}
),

observed as (
    select max(extraction_date) as observed_to_date from case_rows
),

years as (
    select
        unnest(generate_series(
            min(year(case_rows.enrolment_date)),
            max(year(coalesce(case_rows.exit_date, observed.observed_to_date)))
        )) as year
    from case_rows
    cross join observed
    group by observed.observed_to_date
),

participants as (
    select
        case_rows.municipality_code,
        any_value(case_rows.municipality_name) as municipality_name,
        years.year,
        count(distinct case_rows.person_key) as participants
    from case_rows
    cross join observed
    inner join years
        on
            case_rows.enrolment_date <= make_date(years.year, 12, 31)
            and coalesce(case_rows.exit_date, observed.observed_to_date)
            >= make_date(years.year, 1, 1)
    group by case_rows.municipality_code, years.year
),

working_age as (
    select
        municipality_code,
        year,
        cast(sum(population) as bigint) as population_16_64
    from population
    where age_from >= 16 and age_to <= 64
    group by municipality_code, year
),

final as (
    select
        participants.municipality_code,
        participants.municipality_name,
        participants.year,
        participants.participants,
        working_age.population_16_64,
        round({{ share('participants.participants * 1000', 'working_age.population_16_64') }}, 2)
            as per_1000
    from participants
    left join working_age
        on
            participants.municipality_code = working_age.municipality_code
            and participants.year = working_age.year
)

select * from final
