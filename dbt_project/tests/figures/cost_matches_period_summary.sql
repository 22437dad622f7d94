{{ config(
    tags=['figure_consistency'],
    meta={'dagster': {'ref': {'name': 'cost_per_participant'}}},
) }}
{#- Cost and cost per participant (cost_per_participant) equal marts.period_summary()'s for
    every insats (and 'Alla insatser') and period of the spine. #}

{{ mart_matches_period_summary(
    ref('cost_per_participant'), ['cost', 'cost_per_served', 'cost_per_goal'], by_unit=false
) }}
