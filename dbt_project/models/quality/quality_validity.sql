{#- Validity of the current case rows (Felregistrering left out): one row per case row and
    rule that applies to it (both dates known, the value delivered), passing or not. The
    date, future and range rules are declared in _quality__models.yml; the code lists are
    those of int_case_rows_mapped, read off its columns: every <column>_label with a
    mapped <column> beside it. A delivered label that maps to no code is an unknown code,
    reported here once (never as missing: quality_completeness counts it as filled in). -#}
{%- set rules = config.get('meta') or {} -%}
{%- set field_labels = rules.get('field_labels', {}) -%}
{%- set coded_columns = [] -%}
{%- if execute -%}
{%- set relation = ref('int_case_rows_mapped') -%}
{%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
{%- for name in names if name.endswith('_label') and name[:-6] in names -%}
{%- do coded_columns.append(name[:-6]) -%}
{%- endfor -%}
{%- endif %}
-- depends_on: {{ ref('int_case_rows_mapped') }}

with

case_rows as (
    select * from {{ ref('quality_case_rows') }}
),

checked as (
    {%- for pair in rules.get('date_order', []) %}
    select
        case_rows.*,
        'date_order:{{ pair.earlier }}<={{ pair.later }}' as "check",
        '{{ pair.later }}' as field,
        case_rows.{{ pair.later }} >= case_rows.{{ pair.earlier }} as is_passing,
        '{{ field_labels.get(pair.later, pair.later) }} före '
        || '{{ field_labels.get(pair.earlier, pair.earlier) }}' as problem_text
    from case_rows
    where case_rows.{{ pair.earlier }} is not null and case_rows.{{ pair.later }} is not null
    union all
    {%- endfor %}
    {%- for column in rules.get('no_future_dates', []) %}
    select
        case_rows.*,
        'not_future:{{ column }}' as "check",
        '{{ column }}' as field,
        case_rows.{{ column }} <= case_rows.as_of as is_passing,
        '{{ field_labels.get(column, column) }} ligger i framtiden ('
        || cast(case_rows.{{ column }} as varchar) || ')' as problem_text
    from case_rows
    where case_rows.{{ column }} is not null
    union all
    {%- endfor %}
    {%- for column, bounds in rules.get('ranges', {}).items() %}
    select
        case_rows.*,
        'range:{{ column }}' as "check",
        '{{ column }}' as field,
        case_rows.{{ column }} between {{ bounds.min }} and {{ bounds.max }} as is_passing,
        '{{ field_labels.get(column, column) }} utanför {{ bounds.min }}-{{ bounds.max }}: '
        || cast(case_rows.{{ column }} as varchar) as problem_text
    from case_rows
    where case_rows.{{ column }} is not null
    union all
    {%- endfor %}
    {%- for column in coded_columns %}
    select
        case_rows.*,
        'vocabulary:{{ column }}' as "check",
        '{{ column }}' as field,
        case_rows.{{ column }} is not null as is_passing,
        '{{ field_labels.get(column, column) }}: okänd kod '''
        || trim(case_rows.{{ column }}_label) || '''' as problem_text
    from case_rows
    where {{ normalise_label('case_rows.' ~ column ~ '_label') }} is not null
    union all
    {%- endfor %}
    select
        case_rows.*,
        null as "check",
        null as field,
        null as is_passing,
        null as problem_text
    from case_rows
    where false
),

final as (
    select
        checked.case_row_id || '|' || checked."check" as finding_id,
        checked."check" as expectation,
        checked."check",
        1.0 as threshold,
        checked.is_passing,
        checked.organisation,
        checked.insats,
        checked.unit,
        checked.caseworker,
        checked.case_id,
        checked.field,
        case when not checked.is_passing then checked.problem_text end as problem,
        checked.extraction_date as since_date,
        date_diff('day', checked.extraction_date, checked.as_of) as days_open
    from checked
)

select * from final
