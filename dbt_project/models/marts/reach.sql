{#- Räckvidd: distinct persons enrolled at some time in the year, per insats (and 'Alla
    insatser') × municipality, per 1 000 inhabitants aged 16-64 (SCB population, both
    genders). A person counts in the municipality of their episode's units (macro
    episode_municipality), as in municipality_flows; 'Flera kommuner' and 'Okänd kommun'
    have no population. participants_cell_key (Cell Key Method) sums each participant's
    record key once modulo key_range. -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
    where enrolment_date is not null
),

population as (
    select * from {{ ref('stg_raw__population') }}
),

years as (
    select
        unnest(generate_series(
            min(year(enrolment_date)),
            max(year(coalesce(exit_date, observed_to_date)))
        )) as year
    from episodes
),

person_years as (
    -- Each person once per insats (and 'Alla insatser') × municipality × year.
    select
        coalesce(episodes.insats, 'Alla insatser') as insats,
        episodes.municipality_name,
        any_value(episodes.municipality_code) as municipality_code,
        years.year,
        episodes.person_key,
        any_value(episodes.record_key) as record_key
    from episodes
    inner join years
        on
            episodes.enrolment_date <= make_date(years.year, 12, 31)
            and coalesce(episodes.exit_date, episodes.observed_to_date)
            >= make_date(years.year, 1, 1)
    -- sqlfluff's duckdb dialect has no grouping sets (DuckDB has); `grouping` reads as a column.
    group by grouping sets (  -- noqa: PRS, RF02
        (episodes.insats, episodes.municipality_name, years.year, episodes.person_key),
        (episodes.municipality_name, years.year, episodes.person_key)
    )
),

participants as (
    select
        insats,
        municipality_name,
        any_value(municipality_code) as municipality_code,
        year,
        count(person_key) as participants,
        {{ cell_key('sum(record_key) filter (where person_key is not null)') }}
            as participants_cell_key
    from person_years
    group by insats, municipality_name, year
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
        participants.insats,
        participants.municipality_code,
        participants.municipality_name,
        participants.year,
        participants.participants,
        participants.participants_cell_key,
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
