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

exits_first_delivered as (
    select * from {{ ref('stg_raw__case_exits_first_delivered') }}
),

mapped as (
    select
        case_rows.*,
        {%- for column, code_list in coded_columns.items() %}
        -- A delivered label on no code list is its own category, apart from a missing one.
        coalesce(
            {{ column }}_codes.code,
            case
                when {{ normalise_label('case_rows.' ~ column ~ '_label') }} is not null
                    then '{{ var("unknown_code_label") }}'
            end
        ) as {{ column }},
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

dated as (
    select
        mapped.*,
        -- Dates after the delivery's extraction are not yet facts (counted_dates below).
        coalesce(mapped.enrolment_date > mapped.extraction_date, false)
            as has_enrolment_after_extraction,
        coalesce(mapped.exit_date > mapped.extraction_date, false) as has_exit_after_extraction,
        -- An exit reason whose Avslutsdatum was delivered but unreadable: the case has left.
        coalesce(
            list_contains(mapped.nulled_fields, 'exit_date') and mapped.exit_reason is not null,
            false
        ) as has_unreadable_exit_date,
        coalesce(mapped.exit_reason = 'Felregistrering', false) as is_wrongly_registered,
        coalesce(mapped.exit_date < mapped.enrolment_date, false) as has_exit_before_enrolment,
        exits_first_delivered.first_delivered_with_exit as exit_first_delivered
    from mapped
    left join exits_first_delivered
        on
            mapped.source_kind = exits_first_delivered.source_kind
            and mapped.organisation = exits_first_delivered.organisation
            and mapped.case_id = exits_first_delivered.case_id
),

counted_dates as (
    {#- An enrolment dated after its delivery's extraction is still in the queue, an exit
        dated after it still active; an exit with an unreadable date counts on the first
        extraction that showed the exit (the latest date it can have happened). The dates
        as delivered stay beside them, for the quality findings. -#}
    select
        * replace (
            case when not has_enrolment_after_extraction then enrolment_date end
                as enrolment_date,
            case
                when has_enrolment_after_extraction or has_exit_after_extraction then null
                when has_unreadable_exit_date
                    then greatest(exit_first_delivered, enrolment_date)
                else exit_date
            end as exit_date,
            case
                when not (has_enrolment_after_extraction or has_exit_after_extraction)
                    then exit_reason
            end as exit_reason
        ),
        enrolment_date as delivered_enrolment_date,
        exit_date as delivered_exit_date
    from dated
),

final as (
    select
        counted_dates.* exclude (counted_dates.exit_first_delivered),
        -- A person without a usable personnummer cannot be linked to any other row: a
        -- protected identity, or a number that failed its checks, is a person per row.
        counted_dates.person_id is null and not counted_dates.is_protected_identity
            as is_unlinkable,
        case
            when counted_dates.is_protected_identity
                then 'skyddad-' || counted_dates.case_row_id
            when counted_dates.person_id is null
                then 'ej-länkbar-' || counted_dates.case_row_id
            else counted_dates.person_id
        end as person_key,
        unit_municipalities.municipality_code,
        unit_municipalities.municipality_name
    from counted_dates
    left join unit_municipalities
        on counted_dates.unit = unit_municipalities.unit
)

select * from final
