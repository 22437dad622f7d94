{#- Sysselsättning före/efter: exited episodes per insats × period by occupation at
    enrolment (before: from SCB Status_start for ESF participants, else 'Okänd') and at
    exit (after). -#}

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
