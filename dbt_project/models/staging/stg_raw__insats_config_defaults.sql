with

defaults as (
    select * from {{ source('raw', 'insats_config_defaults') }}
),

final as (
    select
        cast(goal_reasons as varchar[]) as goal_reasons,
        cast(dropout_reasons as varchar[]) as dropout_reasons,
        coalesce(cast(trial_days as integer), 0) as trial_days,
        coalesce(exclude_dropouts_from_goal_share, true) as exclude_dropouts_from_goal_share,
        cast(mandatory_fields as varchar[]) as mandatory_fields,
        cast(grace_days as integer) as grace_days,
        cast(completeness_threshold as double) as completeness_threshold,
        goal_definition
    from defaults
)

select * from final
