{#- Observations for Kaplan-Meier (tid till utfall): per insats (and 'Alla insatser'),
    breakdown, outcome ('avslut' any exit, 'mål' a goal exit counted in the insats' goal
    base) and whole month enrolled (floor(days / 30.4375)), the number of events and of
    censored episodes. Active episodes are censored at their time enrolled so far; for
    'mål' every other exit is censored too. -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
    where enrolment_date is not null
),

outcomes as (
    select
        *,
        cast(floor({{ months_from_days('days_enrolled') }}) as integer) as month,
        unnest([
            { 'outcome': 'avslut', 'is_event': exit_date is not null },
            { 'outcome': 'mål', 'is_event': is_goal and is_in_goal_share_base }
        ]) as outcome_flag
    from episodes
),

observations as (
    select
        *,
        unnest([
            { 'dimension': 'total', 'dimension_value': 'Alla' },
            { 'dimension': 'gender', 'dimension_value': coalesce(gender, 'Okänt') },
            { 'dimension': 'age_band', 'dimension_value': coalesce(age_band, 'Okänd') },
            { 'dimension': 'referrer', 'dimension_value': coalesce(referrer, 'Okänd') },
            {
                'dimension': 'income_source_at_enrolment',
                'dimension_value': coalesce(income_source_at_enrolment, 'Uppgift saknas')
            },
            { 'dimension': 'unit', 'dimension_value': unit }
        ]) as breakdown
    from outcomes
),

counted as (
    select
        coalesce(observations.insats, 'Alla insatser') as insats,
        observations.breakdown.dimension,
        observations.breakdown.dimension_value,
        observations.outcome_flag.outcome,
        observations.month,
        cast(count_if(observations.outcome_flag.is_event) as bigint) as events,
        cast(count_if(not observations.outcome_flag.is_event) as bigint) as censored
    from observations
    -- sqlfluff's duckdb dialect has no grouping sets (DuckDB has); `grouping` reads as a column.
    group by grouping sets (  -- noqa: PRS, RF03
        (insats, breakdown.dimension, breakdown.dimension_value, outcome_flag.outcome, month),
        (breakdown.dimension, breakdown.dimension_value, outcome_flag.outcome, month)
    )
),

final as (
    select * from counted
)

select * from final
