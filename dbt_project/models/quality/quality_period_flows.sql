{#- The flow identities of marts.period_flows (declared in _quality__models.yml), one row
    per period and identity with how far it is off; a broken identity means the marts are
    wrong. Aggregates, no person behind a row. -#}
{%- set identities = (config.get('meta') or {}).get('identities', {}) -%}

with

period_flows as (
    select * from {{ ref('period_flows') }}
),

quality_run as (
    select * from {{ ref('quality_run') }}
),

gaps as (
    {%- for name, expression in identities.items() %}
    select
        period_flows.*,
        '{{ name }}' as identity,
        '{{ expression }}' as identity_expression,
        ({{ expression }}) as gap
    from period_flows
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        gaps.insats || '|' || gaps.unit || '|' || gaps.period_type || '|'
        || gaps.period_label || '|' || gaps.identity as finding_id,
        'identity:' || gaps.identity as expectation,
        'identity:' || gaps.identity as "check",
        1.0 as threshold,
        gaps.gap = 0 as is_passing,
        null as organisation,
        gaps.insats,
        gaps.unit,
        null as caseworker,
        null as case_id,
        gaps.identity as field,
        case
            when gaps.gap <> 0
                then
                    'Identiteten ' || gaps.identity_expression || ' = 0 håller inte för '
                    || gaps.period_type || ' ' || gaps.period_label || ': ' || gaps.gap
        end as problem,
        quality_run.as_of as since_date,
        0 as days_open,
        2 as priority
    from gaps
    cross join quality_run
)

select * from final
