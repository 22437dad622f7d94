{#- Running balances per insats × unit ('Alla enheter' for the insats as a whole): see
    macro running_balances. -#}

{{ running_balances(ref('int_enrolment_episodes_merged'), 'unit', 'Alla enheter') }}
