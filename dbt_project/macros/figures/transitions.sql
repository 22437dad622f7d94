{#- Transition matrices (före/efter): exits per insats (and 'Alla insatser') and month by
    the state at enrolment and at exit, then rolled up into every period. `persons` counts
    exited episodes: a person exiting one insats twice in a period counts twice. -#}
{% macro monthly_transitions(episodes, before_column, after_column) -%}
    select
        coalesce(insats, 'Alla insatser') as insats,
        date_trunc('month', exit_date) as exit_month,
        coalesce({{ before_column }}, 'Uppgift saknas') as before,
        coalesce({{ after_column }}, 'Uppgift saknas') as after,
        count(*) as persons
    from {{ episodes }}
    {#- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa. #}
    group by grouping sets (  /* noqa: PRS */
        (insats, exit_month, before, after), (exit_month, before, after)
    )
{%- endmacro %}

{% macro transitions_by_period(monthly, periods) -%}
    select
        {{ monthly }}.insats,
        {{ periods }}.period_type,
        {{ periods }}.period_label,
        {{ monthly }}.before,
        {{ monthly }}.after,
        cast(sum({{ monthly }}.persons) as bigint) as persons
    from {{ monthly }}
    inner join {{ periods }}
        on {{ monthly }}.exit_month between {{ periods }}.period_start and {{ periods }}.period_end
    group by all
{%- endmacro %}
