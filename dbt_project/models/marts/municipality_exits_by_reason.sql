{#- Avslut per avslutsorsak och kommun: exits per insats × municipality × period and exit
    reason, a person counted in the municipality of their episode's units (macro
    exits_by_reason_rows). The whole insats is exits_by_reason's 'Alla enheter'. -#}

with

exits as (
    {{ exits_by_reason_rows(
        ref('int_enrolment_episodes_merged'),
        ref('int_periods_spined'),
        'municipality_name',
        'Alla kommuner'
    ) }}
),

final as (
    select * from exits
    where municipality_name != 'Alla kommuner'
)

select * from final
