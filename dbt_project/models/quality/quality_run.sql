{#- The one clock of a quality run: when this dbt build started, and the day in Sweden
    that decides which fields are due, which dates lie in the future and how many days a
    problem has been open. The var quality_as_of fixes the day (tests, re-runs of a past
    night); the quality asset stamps quality.quality_results with this run_at. -#}

with

started as (
    select cast('{{ run_started_at.isoformat() }}' as timestamptz) as run_at
),

final as (
    select
        run_at,
        {% if var('quality_as_of', none) -%}
            cast('{{ var("quality_as_of") }}' as date)
        {%- else -%}
        cast(timezone('Europe/Stockholm', run_at) as date)
        {%- endif %} as as_of
    from started
)

select * from final
