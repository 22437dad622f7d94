{#- Mål per insats: the numeric target an insats set for a figure in the configuration
    (`targets:`), with the figure's label, so every view shows the result against the same
    target. Only figures of the catalogue. -#}

with

targets as (
    select * from {{ ref('stg_raw__insats_targets') }}
),

figures as (
    select * from {{ ref('figure_definitions') }}
),

final as (
    select
        targets.insats,
        targets.figure_id,
        figures.label as figure_label,
        targets.target
    from targets
    inner join figures
        on targets.figure_id = figures.figure_id
)

select * from final
