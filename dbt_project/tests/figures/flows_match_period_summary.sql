{{ config(tags=['figure_consistency'], meta={'dagster': {'ref': {'name': 'period_flows'}}}) }}
{#- Flows (period_flows) and their cell keys equal marts.period_summary()'s for every period
    of the spine. #}

{{ mart_matches_period_summary(ref('period_flows'), [
    'active_at_start', 'enrolled', 'exited', 'dropouts', 'active_at_end', 'served',
    'queue_at_end', 'average_enrolled'
], cell_keys=[
    'active_at_start', 'enrolled', 'exited', 'dropouts', 'active_at_end', 'served',
    'queue_at_end'
]) }}
