{#- Genomströmningstid per insats × unit × period of every type: exits excluding dropouts
    in the 12 months ending with the period, and their mean and median months enrolled
    (macro throughput_window_rows). A month or tertial reads the window ending with it; a
    calendar year, July-June and a rolling 12 months are their own window.
    throughput_exits_cell_key is the cell key of throughput_exits (Cell Key Method). -#}

with

throughput as (
    {{ throughput_window_rows(
        ref('int_enrolment_episodes_merged'),
        ref('int_periods_spined'),
        'unit',
        'Alla enheter'
    ) }}
),

final as (
    select * from throughput
)

select * from final
