{{ config(tags=['figure_consistency'], meta={'dagster': {'ref': {'name': 'outcomes'}}}) }}
{#- Exit figures (outcomes, total) equal marts.period_summary()'s for every period of the
    spine; a period without exits has no outcomes row and counts 0. #}

{{ mart_matches_period_summary(
    ref('outcomes'),
    ['exits', 'exits_excluding_dropouts', 'goal_share_base', 'goal_exits',
     'goal_exits_including_dropouts', 'goal_exits_excluding_dropouts',
     'work_or_studies_exits', 'goal_share', 'goal_share_including_dropouts',
     'goal_share_excluding_dropouts', 'work_or_studies_share'],
    counts=['exits', 'exits_excluding_dropouts', 'goal_share_base', 'goal_exits',
            'goal_exits_including_dropouts', 'goal_exits_excluding_dropouts',
            'work_or_studies_exits'],
    condition="and mart_rows.dimension = 'total'"
) }}
