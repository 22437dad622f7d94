{#- Sysselsättning före/efter: exited episodes per insats × period by occupation at
    enrolment (before) and at exit (after). No source delivers sysselsättning at enrolment
    yet, so `before` is 'Uppgift saknas' until one does. -#}

with

episodes as (
    select * from {{ ref('enrolments') }}
    where exit_date is not null
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

monthly as (
    {{ monthly_transitions('episodes', 'occupation_at_enrolment', 'occupation_at_exit') }}
),

final as (
    {{ transitions_by_period('monthly', 'periods') }}
)

select * from final
