{#- Validity of the current case rows (Felregistrering left out): one row per case row and
    rule that applies to it (both dates known, the value delivered), passing or not. Dates
    are checked as delivered. The date, extraction and range rules are declared in
    _quality__models.yml; the code lists are those of int_case_rows_mapped, read off its
    columns: every <column>_label with a mapped <column> beside it. A delivered label that
    maps to no code is an unknown code, reported here once (never as missing:
    quality_completeness counts it as filled in). An exit reason with an unreadable
    Avslutsdatum is priority 1, first in the worklist: until it is fixed the exit counts on
    a date that is only its latest possible one. A date after the extraction is usually a
    planned date that the next deliveries make a fact, so it is an ordinary finding. -#}
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
    select
        * replace (delivered_enrolment_date as enrolment_date, delivered_exit_date as exit_date),
        exit_date as counted_exit_date
    from {{ ref('quality_case_rows') }}
),

checked as (
    {%- for pair in rules.get('date_order', []) %}
    select
        case_rows.*,
        'date_order:{{ pair.earlier }}<={{ pair.later }}' as "check",
        '{{ pair.later }}' as field,
        case_rows.{{ pair.later }} >= case_rows.{{ pair.earlier }} as is_passing,
        '{{ field_labels.get(pair.later, pair.later) }} före '
        || '{{ field_labels.get(pair.earlier, pair.earlier) }}' as problem_text,
        2 as priority
    from case_rows
    where case_rows.{{ pair.earlier }} is not null and case_rows.{{ pair.later }} is not null
    union all
    {%- endfor %}
    {%- for column, counted_as in rules.get('dates_not_after_extraction', {}).items() %}
    select
        case_rows.*,
        'not_after_extraction:{{ column }}' as "check",
        '{{ column }}' as field,
        case_rows.{{ column }} <= case_rows.extraction_date as is_passing,
        '{{ field_labels.get(column, column) }} ' || cast(case_rows.{{ column }} as varchar)
        || ' är efter leveransens uttagsdatum ' || cast(case_rows.extraction_date as varchar)
        || ': {{ counted_as }}' as problem_text,
        2 as priority
    from case_rows
    where case_rows.{{ column }} is not null
    union all
    {%- endfor %}
    select
        case_rows.*,
        'readable:exit_date' as "check",
        'exit_date' as field,
        false as is_passing,
        'Avslutsorsak ' || case_rows.exit_reason
        || ' men Avslutsdatum gick inte att läsa: räknas som avslutad '
        || cast(case_rows.counted_exit_date as varchar)
        || ' (uttagsdatum för första leveransen med avslutet)' as problem_text,
        1 as priority
    from case_rows
    where case_rows.has_unreadable_exit_date
    union all
    select
        case_rows.*,
        'unique:case_id' as "check",
        'case_id' as field,
        false as is_passing,
        'ÄrendeID finns på ' || case_rows.rows_with_case_id
        || ' rader i leveransen: bara den sista (rad ' || case_rows.row_number
        || ') räknas' as problem_text,
        2 as priority
    from case_rows
    where case_rows.rows_with_case_id > 1
    union all
    {%- for column, bounds in rules.get('ranges', {}).items() %}
    select
        case_rows.*,
        'range:{{ column }}' as "check",
        '{{ column }}' as field,
        case_rows.{{ column }} between {{ bounds.min }} and {{ bounds.max }} as is_passing,
        '{{ field_labels.get(column, column) }} utanför {{ bounds.min }}-{{ bounds.max }}: '
        || cast(case_rows.{{ column }} as varchar) as problem_text,
        2 as priority
    from case_rows
    where case_rows.{{ column }} is not null
    union all
    {%- endfor %}
    {%- for column in coded_columns %}
    select
        case_rows.*,
        'vocabulary:{{ column }}' as "check",
        '{{ column }}' as field,
        case_rows.{{ column }} is distinct from '{{ var("unknown_code_label") }}' as is_passing,
        '{{ field_labels.get(column, column) }}: okänd kod '''
        || trim(case_rows.{{ column }}_label) || '''' as problem_text,
        2 as priority
    from case_rows
    where {{ normalise_label('case_rows.' ~ column ~ '_label') }} is not null
    union all
    {%- endfor %}
    select
        case_rows.*,
        null as "check",
        null as field,
        null as is_passing,
        null as problem_text,
        null as priority
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
        date_diff('day', checked.extraction_date, checked.as_of) as days_open,
        checked.priority
    from checked
)

select * from final
