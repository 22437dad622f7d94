{#- Every value a tertial's key figures have had: one row per insats × unit × tertial ×
    figure and build in which the value first appeared. The first build keeps every value;
    later builds (incremental, append) add a row only where the value or its cell key
    differs from the last one kept, so a delivery that changes a closed tertial leaves both
    values here. Never rebuilt from scratch: `--full-refresh` (which the pipeline passes to
    a full build, for the per-person models) would forget what was published, so it does
    not apply here. -#}
{{ config(materialized='incremental', incremental_strategy='append', full_refresh=false) }}

{%- set flow_figures = ['active_at_start', 'enrolled', 'exited', 'dropouts',
    'active_at_end', 'served', 'queue_at_end'] -%}
{#- Outcome figures with their cell keys; shares have none (the views protect a share
    through its basis counts, which are kept beside it). -#}
{%- set outcome_figures = {
    'exits': 'exits_cell_key',
    'goal_share_base': 'goal_share_base_cell_key',
    'goal_exits': 'goal_exits_cell_key',
    'work_or_studies_exits': 'work_or_studies_exits_cell_key',
    'goal_share': none,
    'work_or_studies_share': none,
} -%}

with

flows as (
    select * from {{ ref('period_flows') }}
    where period_type = 'tertial'
),

outcomes as (
    select * from {{ ref('outcomes') }}
    where period_type = 'tertial' and dimension = 'total'
),

current_figures as (
    {%- for figure in flow_figures %}
    select
        insats,
        unit,
        period_label,
        period_start,
        period_end,
        is_partial,
        '{{ figure }}' as figure_id,
        cast({{ figure }} as double) as figure_value,
        {{ figure }}_cell_key as cell_key
    from flows
    union all
    {%- endfor %}
    {%- for figure, cell_key in outcome_figures.items() %}
    select
        outcomes.insats,
        outcomes.unit,
        outcomes.period_label,
        outcomes.period_start,
        outcomes.period_end,
        flows.is_partial,
        '{{ figure }}' as figure_id,
        cast(outcomes.{{ figure }} as double) as figure_value,
        {{ 'outcomes.' ~ cell_key if cell_key else 'cast(null as integer)' }} as cell_key
    from outcomes
    inner join flows
        on
            outcomes.insats = flows.insats
            and outcomes.unit = flows.unit
            and outcomes.period_start = flows.period_start
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

{% if is_incremental() %}
last_kept as (
    select *
    from {{ this }}
    qualify row_number() over (
        partition by insats, unit, period_start, figure_id order by recorded_at desc
    ) = 1
),
{% endif %}

final as (
    select
        current_figures.*,
        cast('{{ run_started_at.isoformat() }}' as timestamptz) as recorded_at
    from current_figures
    {%- if is_incremental() %}
    left join last_kept
        on
            current_figures.insats = last_kept.insats
            and current_figures.unit = last_kept.unit
            and current_figures.period_start = last_kept.period_start
            and current_figures.figure_id = last_kept.figure_id
    where
        last_kept.figure_id is null
        or current_figures.figure_value is distinct from last_kept.figure_value
        or current_figures.cell_key is distinct from last_kept.cell_key
        or current_figures.is_partial is distinct from last_kept.is_partial
    {%- endif %}
)

select * from final
