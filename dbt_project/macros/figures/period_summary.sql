{#- Every figure of a period for any insats, unit and dates: flows (flow_figures), exits,
    andel i mål and genomströmningstid (exit_figures), cost and cost per participant
    (cost_figures). `requests` has request_id, insats, unit, period_start, period_end.
    Used by marts.stated_figure_checks and the table macro marts.period_summary(). -#}
{% macro period_summary_rows(requests, balances, episodes, costs, insats_config) -%}
    select
        flows.request_id,
        flows.insats,
        flows.unit,
        flows.period_start,
        flows.period_end,
        flows.active_at_start,
        flows.enrolled,
        flows.exited,
        flows.dropouts,
        flows.active_at_end,
        flows.served,
        flows.queue_at_end,
        flows.average_enrolled,
        coalesce(exits.exits, 0) as exits,
        coalesce(exits.exits_excluding_dropouts, 0) as exits_excluding_dropouts,
        coalesce(exits.goal_exits, 0) as goal_exits,
        coalesce(exits.work_or_studies_exits, 0) as work_or_studies_exits,
        {{ share('exits.goal_exits', 'exits.goal_share_base') }} as goal_share,
        {{ share('exits.work_or_studies_exits', 'exits.exits') }} as work_or_studies_share,
        exits.mean_months,
        exits.median_months,
        costs.cost,
        round({{ share('costs.cost', 'flows.served') }}, 2) as cost_per_served,
        round({{ share('costs.cost', 'exits.goal_exits') }}, 2) as cost_per_goal,
        case
            when flows.insats = 'Alla insatser' then {{ all_insatser_goal_definition() }}
            else coalesce(insats_config.goal_definition, {{ missing_goal_definition() }})
        end as goal_definition
    from ({{ flow_figures(requests, balances) }}) as flows
    left join ({{ exit_figures(requests, episodes) }}) as exits
        on flows.request_id = exits.request_id
    left join ({{ cost_figures(requests, costs) }}) as costs
        on flows.request_id = costs.request_id
    left join {{ insats_config }} as insats_config
        on flows.insats = insats_config.insats
{%- endmacro %}
