{#- Models rebuilt per person (int_exits_followed_up): when a night changes the episodes of
    some persons and leaves the model's other inputs as the last build made them, only those
    persons' rows are computed again; otherwise every person's are, as a table build would.

    The pipeline names the models it leaves unchanged tonight in var `unchanged_models`
    (pipelines/defs/dbt/build_selection.py); any other dbt command passes none, so it
    recomputes everyone. A changed dbt project is built with --full-refresh, so a changed
    column list never meets the stored table. -#}

{#- Whether every model of `inputs` is left unchanged tonight. -#}
{% macro inputs_unchanged(inputs) -%}
    {%- set unchanged = var('unchanged_models', []) -%}
    {%- for name in inputs if name not in unchanged -%}
        {%- do return(false) -%}
    {%- endfor -%}
    {%- do return(true) -%}
{%- endmacro %}

{#- The temp table of the persons whose rows tonight's build computes again. -#}
{% macro persons_to_rebuild() -%}
    persons_to_rebuild
{%- endmacro %}

{#- First pre-hook of an incremental model keyed by person_key (strategy append): the
    persons to compute again, into persons_to_rebuild(). They are the persons whose
    `person_rows` (a query of the model's own columns `columns`, in order) differ from the
    stored rows, or every person when an input of `inputs` (beside `person_rows`' own) is
    built tonight. A person whose rows vanished (a case removed) is among them. -#}
{% macro collect_persons_to_rebuild(person_rows, columns, inputs) -%}
    {%- if is_incremental() -%}
        {%- set stored = 'select ' ~ (columns | join(', ')) ~ ' from ' ~ this -%}
        create or replace temp table {{ persons_to_rebuild() }} as
        {%- if inputs_unchanged(inputs) %}
        select distinct changed_rows.person_key from (
            ({{ person_rows }} except all {{ stored }})
            union all
            ({{ stored }} except all {{ person_rows }})
        ) as changed_rows
        {%- else %}
        select person_rows.person_key from ({{ person_rows }}) as person_rows
        union
        select person_key from {{ this }}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- Second pre-hook: their stored rows deleted, in the build's transaction (the append that
    follows inserts their rows computed again). -#}
{% macro delete_persons_to_rebuild() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where person_key in (select person_key from {{ persons_to_rebuild() }})
    {%- endif -%}
{%- endmacro %}

{#- The rows of `person_rows` (a CTE) that tonight's build computes: those of
    persons_to_rebuild() in an incremental build, all in a first build. -#}
{% macro rows_to_rebuild(person_rows) -%}
    select * from {{ person_rows }}
    {%- if is_incremental() %}
    where person_key in (select person_key from {{ persons_to_rebuild() }})
    {%- endif %}
{%- endmacro %}
