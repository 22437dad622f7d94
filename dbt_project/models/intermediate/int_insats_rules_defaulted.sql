{#- The rules of every insats (måldefinition, avhopp, goal base): the configured ones, and
    the configuration's defaults for each insats present in the case data but absent from
    the configuration, whose goal definition then says so. is_configured tells them apart. -#}

with

insats_config as (
    select * from {{ ref('stg_raw__insats_config') }}
),

defaults as (
    select * from {{ ref('stg_raw__insats_config_defaults') }}
),

case_rows as (
    select * from {{ ref('int_case_rows_mapped') }}
),

unconfigured as (
    select distinct coalesce(case_rows.insats, 'Okänd insats') as insats
    from case_rows
    anti join insats_config
        on coalesce(case_rows.insats, 'Okänd insats') = insats_config.insats
),

final as (
    select
        insats,
        goal_reasons,
        dropout_reasons,
        trial_days,
        exclude_dropouts_from_goal_share,
        esf_project,
        project,
        mandatory_fields,
        grace_days,
        completeness_threshold,
        goal_definition,
        true as is_configured
    from insats_config
    union all
    select
        unconfigured.insats,
        defaults.goal_reasons,
        defaults.dropout_reasons,
        defaults.trial_days,
        defaults.exclude_dropouts_from_goal_share,
        null as esf_project,
        null as project,
        defaults.mandatory_fields,
        defaults.grace_days,
        defaults.completeness_threshold,
        'Insatsen saknas i konfigurationen, standardvärdena gäller: '
        || defaults.goal_definition as goal_definition,
        false as is_configured
    from unconfigured
    cross join defaults
)

select * from final
