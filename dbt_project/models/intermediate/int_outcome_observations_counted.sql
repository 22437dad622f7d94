{#- Observations for time to outcome (tid till utfall): per insats (and 'Alla insatser'),
    breakdown, outcome and day enrolled, the exits of any reason, the events of the outcome
    and the censored episodes. An exit ends the time at risk whatever its reason: for an
    outcome other than 'avslut' the other exits compete, they are not censored. An active
    episode is censored on the latest extraction of its deliveries (days_enrolled).
    Outcomes: 'avslut' (any exit), 'mål' (a goal exit in the insats' goal base), 'arbete
    eller studier', and for the insats as a whole each exit reason ('Avslutsorsak: …').
    Each count X has its cell key X_cell_key (Cell Key Method): the counted episodes'
    record keys summed modulo key_range. -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
    where enrolment_date is not null
),

nested_breakdowns as (
    select
        insats,
        days_enrolled,
        record_key,
        exit_date,
        exit_reason,
        is_goal and is_in_goal_share_base as is_goal_exit,
        is_work_or_studies,
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
    from episodes
),

breakdowns as (
    select
        nested_breakdowns.insats,
        nested_breakdowns.days_enrolled,
        nested_breakdowns.record_key,
        nested_breakdowns.is_goal_exit,
        nested_breakdowns.is_work_or_studies,
        nested_breakdowns.breakdown.dimension,  -- noqa: AL09
        nested_breakdowns.breakdown.dimension_value,  -- noqa: AL09
        nested_breakdowns.exit_date is not null as is_exit,
        'Avslutsorsak: ' || coalesce(nested_breakdowns.exit_reason, 'Okänd') as reason_outcome
    from nested_breakdowns
),

reasons as (
    -- Every exit reason is a curve of its own, over every episode (its other exits compete).
    select distinct reason_outcome as outcome
    from breakdowns
    where is_exit
),

observations as (
    select
        breakdowns.insats,
        breakdowns.dimension,
        breakdowns.dimension_value,
        outcomes.outcome,
        breakdowns.days_enrolled as day,
        breakdowns.record_key,
        breakdowns.is_exit,
        case outcomes.outcome
            when 'avslut' then breakdowns.is_exit
            when 'mål' then breakdowns.is_goal_exit
            else breakdowns.is_work_or_studies
        end as is_event
    from breakdowns
    cross join (values ('avslut'), ('mål'), ('arbete eller studier')) as outcomes (outcome)
    union all
    -- An exit reason's curve, for the insats as a whole: its exits are events, every other
    -- exit competes.
    select
        breakdowns.insats,
        breakdowns.dimension,
        breakdowns.dimension_value,
        reasons.outcome,
        breakdowns.days_enrolled as day,
        breakdowns.record_key,
        breakdowns.is_exit,
        breakdowns.is_exit and breakdowns.reason_outcome = reasons.outcome as is_event
    from breakdowns
    cross join reasons
    where breakdowns.dimension = 'total'
),

counted as (
    select
        coalesce(insats, 'Alla insatser') as insats,
        dimension,
        dimension_value,
        outcome,
        day,
        cast(count_if(is_exit) as bigint) as exits,
        cast(count_if(is_exit and is_event) as bigint) as events,
        cast(count_if(not is_exit) as bigint) as censored,
        {{ cell_key('sum(record_key) filter (where is_exit)') }} as exits_cell_key,
        {{ cell_key('sum(record_key) filter (where is_exit and is_event)') }} as events_cell_key,
        {{ cell_key('sum(record_key) filter (where not is_exit)') }} as censored_cell_key
    from observations
    -- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa.
    group by grouping sets (  -- noqa: PRS
        (insats, dimension, dimension_value, outcome, day),
        (dimension, dimension_value, outcome, day)
    )
),

final as (
    select * from counted
)

select * from final
