{#- Flöden per period: insats × unit × period, from the running balances (see macro
    flow_figures for each figure's definition). -#}

{{ period_flow_rows(ref('int_flow_balances_accumulated'), ref('int_periods_spined')) }}
