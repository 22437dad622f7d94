{#- Resultat per period and breakdown: exits (avslut), dropouts, andel i mål by the
    insats' own goal definition, andel till arbete eller studier. Exits are aggregated by
    month first and rolled up into every period, so no person × period rows are built.
    Each count X has its cell key X_cell_key (Cell Key Method, macro exit_measures). -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
    where exit_date is not null
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

insats_config as (
    select * from {{ ref('int_insats_rules_defaulted') }}
),

breakdowns as (
    select
        *,
        date_trunc('month', exit_date) as exit_month,
        unnest([
            { 'dimension': 'total', 'dimension_value': 'Alla' },
            {%- for dimension, value in episode_breakdowns().items() %}
            { 'dimension': '{{ dimension }}', 'dimension_value': {{ value }} },
            {%- endfor %}
            { 'dimension': 'time_enrolled_band', 'dimension_value': time_enrolled_band },
            {
                'dimension': 'municipality_name',
                'dimension_value': municipality_name
            },
            { 'dimension': 'unit', 'dimension_value': unit },
            -- Kohort inskrivna mer än 3 månader, in total and by gender.
            {
                'dimension': 'over_3_months',
                'dimension_value': case when months_enrolled >= 3 then 'Alla' end
            },
            {
                'dimension': 'over_3_months_gender',
                'dimension_value':
                case when months_enrolled >= 3 then {{ episode_breakdowns()['gender'] }} end
            }
        ]) as breakdown
    from episodes
),

monthly as (
    select
        coalesce(breakdowns.insats, 'Alla insatser') as insats,
        coalesce(breakdowns.unit, 'Alla enheter') as unit,
        breakdowns.exit_month,
        breakdowns.breakdown.dimension,
        breakdowns.breakdown.dimension_value,
        {{ exit_measures() }}
    from breakdowns
    where breakdowns.breakdown.dimension_value is not null
    -- sqlfluff's duckdb dialect has no grouping sets (DuckDB has); `grouping` reads as a column.
    group by grouping sets (  -- noqa: PRS, RF03
        (insats, unit, exit_month, breakdown.dimension, breakdown.dimension_value),
        (insats, exit_month, breakdown.dimension, breakdown.dimension_value),
        (unit, exit_month, breakdown.dimension, breakdown.dimension_value),
        (exit_month, breakdown.dimension, breakdown.dimension_value)
    )
),

rolled_up as (
    select
        monthly.insats,
        monthly.unit,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        monthly.dimension,
        monthly.dimension_value,
        {{ exit_measures(aggregated=true) }}
    from monthly
    inner join periods
        on monthly.exit_month between periods.period_start and periods.period_end
    group by all
),

final as (
    select
        rolled_up.insats,
        rolled_up.unit,
        rolled_up.period_type,
        rolled_up.period_label,
        rolled_up.period_start,
        rolled_up.period_end,
        rolled_up.dimension,
        rolled_up.dimension_value,
        rolled_up.exits,
        rolled_up.dropouts,
        rolled_up.exits_excluding_dropouts,
        rolled_up.goal_exits,
        rolled_up.goal_exits_including_dropouts,
        rolled_up.goal_exits_excluding_dropouts,
        rolled_up.work_or_studies_exits,
        {{ exit_shares('rolled_up.') }},
        rolled_up.goal_share_base,
        {%- for count in exit_counts() %}
        rolled_up.{{ count }}_cell_key,
        {%- endfor %}
        case
            when rolled_up.insats = 'Alla insatser' then {{ all_insatser_goal_definition() }}
            else coalesce(insats_config.goal_definition, {{ missing_goal_definition() }})
        end as goal_definition
    from rolled_up
    left join insats_config
        on rolled_up.insats = insats_config.insats
)

select * from final
