{#- Transition matrices (före/efter): exits per insats (and 'Alla insatser') and month by
    the state at enrolment and at exit, then rolled up into every period. `persons` counts
    exited episodes: a person exiting one insats twice in a period counts twice, and
    persons_cell_key (Cell Key Method) sums the record key of each exited episode's person
    (macro record_key of person_key, so the same in every mart) modulo key_range. -#}
{% macro monthly_transitions(episodes, before_column, after_column) -%}
    select
        coalesce(insats, 'Alla insatser') as insats,
        date_trunc('month', exit_date) as exit_month,
        coalesce({{ before_column }}, 'Uppgift saknas') as before,
        coalesce({{ after_column }}, 'Uppgift saknas') as after,
        count(*) as persons,
        {{ cell_key('sum(' ~ record_key('person_key') ~ ')') }} as persons_cell_key
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
        cast(sum({{ monthly }}.persons) as bigint) as persons,
        {{ cell_key('sum(' ~ monthly ~ '.persons_cell_key)') }} as persons_cell_key
    from {{ monthly }}
    inner join {{ periods }}
        on {{ monthly }}.exit_month between {{ periods }}.period_start and {{ periods }}.period_end
    group by all
{%- endmacro %}
