{#- What the ingest could not accept in current deliveries (raw.rejects), one row per
    reject of a declared category (_quality__models.yml: by the action taken, else by the
    field, case-insensitively; the first category that matches), with insats, unit and
    caseworker when the row itself was loaded. Every row is a finding: the expectation
    per category is that there is none. -#}
{%- set categories = (config.get('meta') or {}).get('categories', []) -%}

with

rejects as (
    select * from {{ ref('stg_raw__rejects') }}
),

registry as (
    select * from {{ ref('stg_raw__file_registry') }}
),

case_rows as (
    select * from {{ ref('stg_raw__case_enrolments') }}
),

quality_run as (
    select * from {{ ref('quality_run') }}
),

categories as (
    {%- for category in categories %}
    select
        {{ loop.index }} as position,
        '{{ category.name }}' as category,
        '{{ category.problem }}' as category_problem,
        {{ category.get('priority', 2) }} as priority,
        [
            {%- for action in category.get('actions', []) %}
            '{{ action }}'{{ ',' if not loop.last }}
            {%- endfor %}
        ]::varchar[] as actions,
        [
            {%- for field in category.get('fields', []) %}
            '{{ field }}'{{ ',' if not loop.last }}
            {%- endfor %}
        ]::varchar[] as fields
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

categorised as (
    select
        rejects.*,
        registry.organisation,
        registry.extraction_date,
        categories.category,
        categories.category_problem,
        categories.priority
    from rejects
    inner join registry on rejects.file_id = registry.file_id
    inner join categories
        on
            list_contains(categories.actions, rejects.action)
            or (
                len(categories.actions) = 0
                and list_contains(categories.fields, lower(trim(rejects.field)))
            )
    where registry.is_current
    qualify
        row_number() over (
            partition by
                rejects.file_id, rejects.row_number, rejects.field, rejects.action,
                rejects.reason
            order by categories.position
        ) = 1
),

final as (
    select
        md5(
            categorised.file_id || '|' || categorised.row_number || '|'
            || categorised.field || '|' || categorised.action || '|'
            || coalesce(categorised.reason, '')
        ) as finding_id,
        categorised.source_kind,
        'rejects:' || categorised.category as expectation,
        'rejects:' || categorised.category as "check",
        1.0 as threshold,
        false as is_passing,
        categorised.organisation,
        case_rows.insats,
        case_rows.unit,
        case_rows.caseworker,
        categorised.case_id,
        categorised.field,
        categorised.category_problem || ' (' || categorised.source_file || ', rad '
        || categorised.row_number || '): ' || coalesce(categorised.reason, '') as problem,
        categorised.extraction_date as since_date,
        date_diff('day', categorised.extraction_date, quality_run.as_of) as days_open,
        categorised.priority
    from categorised
    left join case_rows
        on
            categorised.file_id = case_rows.file_id
            and categorised.row_number = case_rows.row_number
    cross join quality_run
)

select * from final
