{#- Avslut per avslutsorsak: exits per insats × unit × period and exit reason. -#}

with

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
    where exit_date is not null
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

monthly as (
    select
        coalesce(insats, 'Alla insatser') as insats,
        coalesce(unit, 'Alla enheter') as unit,
        date_trunc('month', exit_date) as exit_month,
        coalesce(exit_reason, 'Okänd') as exit_reason,
        count(*) as exits
    from episodes
    -- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa.
    group by grouping sets (  -- noqa: PRS
        (insats, unit, exit_month, exit_reason),
        (insats, exit_month, exit_reason),
        (unit, exit_month, exit_reason),
        (exit_month, exit_reason)
    )
),

final as (
    select
        monthly.insats,
        monthly.unit,
        periods.period_type,
        periods.period_label,
        monthly.exit_reason,
        cast(sum(monthly.exits) as bigint) as exits
    from monthly
    inner join periods
        on monthly.exit_month between periods.period_start and periods.period_end
    group by all
)

select * from final
