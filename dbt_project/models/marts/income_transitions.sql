{#- Försörjning före/efter: exited episodes per insats × period by income source at
    enrolment (before) and at exit (after). -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
    where exit_date is not null
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

monthly as (
    {{ monthly_transitions('episodes', 'income_source_at_enrolment', 'income_source_at_exit') }}
),

final as (
    {{ transitions_by_period('monthly', 'periods') }}
)

select * from final
