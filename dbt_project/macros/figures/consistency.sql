{#- Mart against table macro: the singular tests in tests/figures/ compute every period of
    every insats and unit of marts.period_flows with period_summary_rows (the definition the
    table macro marts.period_summary() runs) and compare figure by figure with the marts. -#}

{#- Every insats × unit × period of the flows, as requests for period_summary_rows. -#}
{% macro spine_requests() -%}
    select
        row_number() over (order by insats, unit, period_type, period_label) as request_id,
        insats,
        unit,
        period_type,
        period_label,
        period_start,
        period_end
    from {{ ref('period_flows') }}
{%- endmacro %}

{#- period_summary_rows over the dbt relations the table macro reads. -#}
{% macro spine_summaries(requests) -%}
    {{ period_summary_rows(
        requests,
        ref('int_flow_balances_accumulated'),
        ref('int_enrolment_episodes_merged'),
        ref('int_ledger_costs_mapped'),
        ref('int_insats_rules_defaulted'),
        ref('int_insats_observed')
    ) }}
{%- endmacro %}

{#- Rows where a figure differs between `marts_side` and `macro_side` (both with
    request_id and the columns), compared to nine decimals so summation order cannot
    matter while a real difference always shows. -#}
{% macro figure_mismatches(marts_side, macro_side, columns) -%}
    {%- for column in columns %}
        select
            marts_side.request_id,
            '{{ column }}' as figure,
            cast(marts_side.{{ column }} as double) as mart_value,
            cast(macro_side.{{ column }} as double) as macro_value
        from {{ marts_side }} as marts_side
        inner join {{ macro_side }} as macro_side
            on marts_side.request_id = macro_side.request_id
        where
            round(cast(marts_side.{{ column }} as double), 9)
            is distinct from round(cast(macro_side.{{ column }} as double), 9)
        {%- if not loop.last %}
        union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- The test body: every period of the spine (of the insats as a whole unless `by_unit`)
    from `mart` against period_summary_rows, for `columns`; a column in `counts` is 0 where
    the mart has no row (a period without exits). Each count in `cell_keys` has its cell key
    <count>_cell_key compared too (Cell Key Method): 0 where the mart has no row, as a count
    of 0 has key 0, but a null key in a mart row is a mismatch. `condition` narrows the
    mart's rows. -#}
{% macro mart_matches_period_summary(
    mart, columns, counts=[], condition='', by_unit=true, cell_keys=[]
) -%}
    {%- set key_columns = [] -%}
    {%- for count in cell_keys -%}
        {%- do key_columns.append(count ~ '_cell_key') -%}
    {%- endfor -%}
    {%- set columns = columns + key_columns -%}
    with

    requests as (
        select * from ({{ spine_requests() }}) as spine
        {%- if not by_unit %}
        where unit = 'Alla enheter'
        {%- endif %}
    ),

    marts_side as (
        select
            requests.request_id,
            {%- for column in columns %}
            {%- if column in key_columns %}
            case
                when mart_rows.insats is null then 0 else mart_rows.{{ column }}
            end as {{ column }}
            {%- elif column in counts %}
            coalesce(mart_rows.{{ column }}, 0) as {{ column }}
            {%- else %}
            mart_rows.{{ column }}
            {%- endif %}{{ "," if not loop.last }}
            {%- endfor %}
        from requests
        left join {{ mart }} as mart_rows
            on
                requests.insats = mart_rows.insats
                {%- if by_unit %}
                and requests.unit = mart_rows.unit
                {%- endif %}
                and requests.period_type = mart_rows.period_type
                and requests.period_label = mart_rows.period_label
                {{ condition }}
    ),

    macro_side as (
        {{ spine_summaries('requests') }}
    )

    {{ figure_mismatches('marts_side', 'macro_side', columns) }}
{%- endmacro %}
