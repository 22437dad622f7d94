{#- Reviderad: a closed tertial's key figure as it stands now beside the value it had
    when the tertial was first published closed (the first value kept in
    tertial_figure_history after the tertial ended). One row per insats × unit × closed
    tertial × figure; is_revised when a later delivery changed it. The running tertial
    has no row: it is preliminary (period_flows.is_partial) until it ends. -#}

with

history as (
    select * from {{ ref('tertial_figure_history') }}
),

newest as (
    select *
    from history
    qualify row_number() over (
        partition by insats, unit, period_start, figure_id order by recorded_at desc
    ) = 1
),

first_closed as (
    select *
    from history
    where not is_partial
    qualify row_number() over (
        partition by insats, unit, period_start, figure_id order by recorded_at
    ) = 1
),

final as (
    select
        newest.insats,
        newest.unit,
        newest.period_label,
        newest.period_start,
        newest.period_end,
        newest.figure_id,
        newest.figure_value,
        newest.cell_key,
        first_closed.figure_value as first_published_value,
        first_closed.cell_key as first_published_cell_key,
        first_closed.recorded_at as first_published_at,
        newest.recorded_at as revised_at,
        (newest.figure_value is distinct from first_closed.figure_value) as is_revised
    from newest
    inner join first_closed
        on
            newest.insats = first_closed.insats
            and newest.unit = first_closed.unit
            and newest.period_start = first_closed.period_start
            and newest.figure_id = first_closed.figure_id
    where not newest.is_partial
)

select * from final
