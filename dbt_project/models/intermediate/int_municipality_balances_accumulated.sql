{#- Running balances per insats × municipality (kommun), a person counted in the
    municipality of their episode's units (macro episode_municipality): see macro
    running_balances. -#}

{{ running_balances(ref('int_enrolment_episodes_merged'), 'municipality_name', 'Alla kommuner') }}
