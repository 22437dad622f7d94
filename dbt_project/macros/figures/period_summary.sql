{#- Every figure of a period for any insats, unit and dates: flows (flow_figures), exits,
    andel i mål (exit_figures), genomströmningstid (throughput_figures), cost and cost per
    participant (cost_figures, cost_measures), and beside each person count X its cell key
    X_cell_key (Cell Key Method; 0 where nothing is counted). `requests` has request_id,
    insats, unit, period_start, period_end; `observed` is int_insats_observed (is_partial).
    Used by marts.stated_figure_checks and the table macro marts.period_summary(). -#}
{% macro period_summary_rows(requests, balances, episodes, costs, insats_config, observed) -%}
    select
        flows.request_id,
        flows.insats,
        flows.unit,
        flows.period_start,
        flows.period_end,
        {{ is_partial_period('flows.period_end', 'observed.observed_to_date') }} as is_partial,
        flows.active_at_start,
        flows.enrolled,
        flows.exited,
        flows.dropouts,
        flows.active_at_end,
        flows.served,
        flows.queue_at_end,
        flows.average_enrolled,
        flows.active_at_start_cell_key,
        flows.enrolled_cell_key,
        flows.exited_cell_key,
        flows.dropouts_cell_key,
        flows.active_at_end_cell_key,
        flows.served_cell_key,
        flows.queue_at_end_cell_key,
        coalesce(exits.exits, 0) as exits,
        coalesce(exits.exits_excluding_dropouts, 0) as exits_excluding_dropouts,
        coalesce(exits.goal_share_base, 0) as goal_share_base,
        coalesce(exits.goal_exits, 0) as goal_exits,
        coalesce(exits.goal_exits_including_dropouts, 0) as goal_exits_including_dropouts,
        coalesce(exits.goal_exits_excluding_dropouts, 0) as goal_exits_excluding_dropouts,
        coalesce(exits.work_or_studies_exits, 0) as work_or_studies_exits,
        coalesce(exits.exits_cell_key, 0) as exits_cell_key,
        coalesce(exits.exits_excluding_dropouts_cell_key, 0) as exits_excluding_dropouts_cell_key,
        coalesce(exits.goal_share_base_cell_key, 0) as goal_share_base_cell_key,
        coalesce(exits.goal_exits_cell_key, 0) as goal_exits_cell_key,
        coalesce(exits.goal_exits_including_dropouts_cell_key, 0)
            as goal_exits_including_dropouts_cell_key,
        coalesce(exits.goal_exits_excluding_dropouts_cell_key, 0)
            as goal_exits_excluding_dropouts_cell_key,
        coalesce(exits.work_or_studies_exits_cell_key, 0) as work_or_studies_exits_cell_key,
        {{ exit_shares('exits.') }},
        {{ throughput_window_start('flows.period_start', 'flows.period_end') }}
            as throughput_window_start,
        coalesce(throughput.throughput_exits, 0) as throughput_exits,
        coalesce(throughput.throughput_exits_cell_key, 0) as throughput_exits_cell_key,
        throughput.mean_months,
        throughput.median_months,
        {{ cost_measures(
            "case when flows.unit = 'Alla enheter' then coalesce(costs.cost, 0) end",
            'flows.served',
            'exits.goal_exits'
        ) }},
        case
            when flows.insats = 'Alla insatser' then {{ all_insatser_goal_definition() }}
            else coalesce(insats_config.goal_definition, {{ missing_goal_definition() }})
        end as goal_definition
    from ({{ flow_figures(requests, balances) }}) as flows
    left join ({{ exit_figures(requests, episodes) }}) as exits
        on flows.request_id = exits.request_id
    left join ({{ throughput_figures(requests, episodes) }}) as throughput
        on flows.request_id = throughput.request_id
    left join ({{ cost_figures(requests, costs) }}) as costs
        on flows.request_id = costs.request_id
    left join {{ insats_config }} as insats_config
        on flows.insats = insats_config.insats
    left join {{ observed }} as observed
        on flows.insats = observed.insats
{%- endmacro %}
