{{ config(tags=['figure_consistency'], meta={'dagster': {'ref': {'name': 'exits_by_reason'}}}) }}
{#- Exits per reason (exits_by_reason) equal marts.period_exits_by_reason()'s
    (exits_by_reason_figures) for every period of the spine, reason by reason. -#}

with

requests as (
    {{ spine_requests() }}
),

marts_side as (
    select
        requests.request_id,
        reasons.exit_reason,
        reasons.exits
    from requests
    inner join {{ ref('exits_by_reason') }} as reasons
        on
            requests.insats = reasons.insats
            and requests.unit = reasons.unit
            and requests.period_type = reasons.period_type
            and requests.period_label = reasons.period_label
),

macro_side as (
    {{ exits_by_reason_figures('requests', ref('int_enrolment_episodes_merged')) }}
),

final as (
    select
        coalesce(marts_side.request_id, macro_side.request_id) as request_id,
        coalesce(marts_side.exit_reason, macro_side.exit_reason) as exit_reason,
        marts_side.exits as mart_value,
        macro_side.exits as macro_value
    from marts_side
    full outer join macro_side
        on
            marts_side.request_id = macro_side.request_id
            and marts_side.exit_reason = macro_side.exit_reason
    where marts_side.exits is distinct from macro_side.exits
)

select * from final
