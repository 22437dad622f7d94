{#- Kartläggning completeness: one row per current case row (Felregistrering left out)
    whose kartläggning is due (enrolment + the insats' grace_days on or before as_of) and
    per field its insats requires (int_insats_rules_defaulted: configured or defaulted).
    A field is missing when empty or coded as missing (Uppgift saknas, Ej bedömd, via the
    code_labels seed); a label on no code list is not missing: quality_validity reports it
    once, as an unknown code. -#}
{%- set field_labels = (config.get('meta') or {}).get('field_labels', {}) -%}
{%- set coded_fields = ['education_level', 'birth_region', 'work_experience',
    'physical_health', 'mental_health', 'language_support_need', 'work_capacity'] -%}
{%- set typed_fields = ['assessment_date', 'years_on_public_support'] -%}
{%- set missing_codes = ['Uppgift saknas', 'Ej bedömd'] -%}

with

case_rows as (
    select * from {{ ref('quality_case_rows') }}
),

vocabulary as (
    select
        [
            {%- for field in typed_fields + coded_fields %}
            '{{ field }}'{{ ',' if not loop.last }}
            {%- endfor %}
        ] as checkable_fields,
        [
            {%- for code in missing_codes %}
            '{{ code }}'{{ ',' if not loop.last }}
            {%- endfor %}
        ] as missing_codes
),

insats_rules as (
    {#- A required field this model cannot check is a configuration error that stops
        the build, naming the insats, rather than a field silently never checked. -#}
    select
        rules.*,
        vocabulary.checkable_fields,
        -- a lambda's parameter is no table column: sqlfluff cannot tell, hence noqa.
        list_filter(
            rules.mandatory_fields,
            lambda required: not list_contains(vocabulary.checkable_fields, required)  -- noqa: RF02
        ) as unknown_fields
    from {{ ref('int_insats_rules_defaulted') }} as rules
    cross join vocabulary
),

due as (
    select
        case_rows.*,
        insats_rules.mandatory_fields,
        insats_rules.completeness_threshold,
        case_rows.enrolment_date + insats_rules.grace_days as since_date
    from case_rows
    inner join insats_rules
        on coalesce(case_rows.insats, 'Okänd insats') = insats_rules.insats
    where
        (
            len(insats_rules.unknown_fields) = 0
            or error(
                'insats configuration, insats ''' || insats_rules.insats
                || ''': mandatory_fields ' || cast(insats_rules.unknown_fields as varchar)
                || ' are not kartläggning fields (allowed: '
                || array_to_string(insats_rules.checkable_fields, ', ') || ')'
            )
        )
        and case_rows.enrolment_date is not null
        and case_rows.enrolment_date + insats_rules.grace_days <= case_rows.as_of
),

checked as (
    {%- for field in typed_fields + coded_fields %}
    select
        due.*,
        '{{ field }}' as field,
        {%- if field in coded_fields %}
        trim(due.{{ field }}_label) as delivered,
        {{ normalise_label('due.' ~ field ~ '_label') }} is not null
        and not coalesce(list_contains(vocabulary.missing_codes, due.{{ field }}), false)
            as is_passing
        {%- else %}
        cast(due.{{ field }} as varchar) as delivered,
        due.{{ field }} is not null as is_passing
        {%- endif %}
    from due
    cross join vocabulary
    where list_contains(due.mandatory_fields, '{{ field }}')
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

labelled as (
    select
        checked.*,
        case checked.field
            {%- for field in typed_fields + coded_fields %}
            when '{{ field }}' then '{{ field_labels.get(field, field) }}'
            {%- endfor %}
        end as field_label
    from checked
),

final as (
    select
        case_row_id || '|' || field as finding_id,
        'completeness:' || field || ':' || coalesce(insats, 'Okänd insats') as expectation,
        'completeness:' || field as "check",
        coalesce(completeness_threshold, 1.0) as threshold,
        is_passing,
        organisation,
        insats,
        unit,
        caseworker,
        case_id,
        field,
        case
            when is_passing then null
            when nullif(delivered, '') is null then field_label || ' saknas'
            else field_label || ' är ''' || delivered || ''''
        end as problem,
        since_date,
        date_diff('day', since_date, as_of) as days_open,
        2 as priority
    from labelled
)

select * from final
