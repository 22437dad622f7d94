with

config as (
    select * from {{ source('raw', 'insats_config') }}
),

final as (
    select
        trim(insats) as insats,
        cast(goal_reasons as varchar[]) as goal_reasons,
        cast(dropout_reasons as varchar[]) as dropout_reasons,
        coalesce(cast(trial_days as integer), 0) as trial_days,
        coalesce(exclude_dropouts_from_goal_share, true) as exclude_dropouts_from_goal_share,
        cast(esf_project as varchar) as esf_project,
        trim(cast(projekt as varchar)) as project,
        cast(mandatory_fields as varchar[]) as mandatory_fields,
        cast(grace_days as integer) as grace_days,
        cast(completeness_threshold as double) as completeness_threshold,
        goal_definition
    from config
)

select * from final
