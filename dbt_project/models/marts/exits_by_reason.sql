{#- Avslut per avslutsorsak: exits per insats × unit × period and exit reason (macro
    exits_by_reason_rows). -#}

{{ exits_by_reason_rows(
    ref('int_enrolment_episodes_merged'), ref('int_periods_spined'), 'unit', 'Alla enheter'
) }}
