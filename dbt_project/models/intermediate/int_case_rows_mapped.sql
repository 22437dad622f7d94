{#- Each coded column and the code list (seed code_labels) that maps it. -#}
{%- set coded_columns = {
    'referrer': 'remittent',
    'exit_reason': 'avslutsorsak',
    'income_source_at_enrolment': 'forsorjning',
    'income_source_at_exit': 'forsorjning',
    'occupation_at_exit': 'sysselsattning',
    'education_level': 'utbildning',
    'birth_region': 'fodelseregion',
    'work_experience': 'arbetslivserfarenhet',
    'physical_health': 'bedomning',
    'mental_health': 'bedomning',
    'language_support_need': 'bedomning',
    'work_capacity': 'arbetsformaga',
} -%}

with

case_rows as (
    select * from {{ ref('stg_raw__case_enrolments') }}
),

code_labels as (
    select
        code_list,
        {{ normalise_label('label') }} as label_key,
        code
    from {{ ref('code_labels') }}
),

unit_municipalities as (
    select * from {{ ref('stg_raw__unit_municipalities') }}
),

mapped as (
    select
        case_rows.*,
        {%- for column, code_list in coded_columns.items() %}
        {{ column }}_codes.code as {{ column }},
        {%- endfor %}
        md5(
            case_rows.source_kind || '|' || case_rows.organisation || '|' || case_rows.case_id
        ) as case_row_id
    from case_rows
    {% for column, code_list in coded_columns.items() -%}
    left join code_labels as {{ column }}_codes
        on
            {{ column }}_codes.code_list = '{{ code_list }}'
            and {{ column }}_codes.label_key
            = {{ normalise_label('case_rows.' ~ column ~ '_label') }}
    {% endfor -%}
),

final as (
    select
        mapped.*,
        -- Protected identities have no person_id: each row is a person of its own.
        case
            when mapped.is_protected_identity or mapped.person_id is null
                then 'skyddad-' || mapped.case_row_id
            else mapped.person_id
        end as person_key,
        unit_municipalities.municipality_code,
        unit_municipalities.municipality_name,
        coalesce(mapped.exit_reason = 'Felregistrering', false) as is_wrongly_registered,
        coalesce(mapped.exit_date < mapped.enrolment_date, false) as has_exit_before_enrolment
    from mapped
    left join unit_municipalities
        on mapped.unit = unit_municipalities.unit
)

select * from final
