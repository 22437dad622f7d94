{#- Genomströmningstid per kommun: insats × municipality × period, an exit counted in the
    municipality of its episode's units (macro episode_municipality), as in
    municipality_flows; same definition as throughput_times (macro throughput_window_rows).
    The whole insats is throughput_times' 'Alla enheter'. -#}

with

throughput as (
    {{ throughput_window_rows(
        ref('int_enrolment_episodes_merged'),
        ref('int_periods_spined'),
        'municipality_name',
        'Alla kommuner'
    ) }}
),

final as (
    select * from throughput
    where municipality_name != 'Alla kommuner'
)

select * from final
