{{ config(tags=['figure_consistency'], meta={'dagster': {'ref': {'name': 'throughput_times'}}}) }}
{#- Genomströmningstid (throughput_times) equals marts.period_summary()'s for every period
    of the spine; a window without exits has no row and counts 0. #}

{{ mart_matches_period_summary(
    ref('throughput_times'),
    ['throughput_exits', 'mean_months', 'median_months'],
    counts=['throughput_exits']
) }}
