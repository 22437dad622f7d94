{#- Återgång till offentlig försörjning: of the cohort members who exited to work or
    studies (var work_or_studies_exit_reasons), those with public support again, by the
    first month 1..24 after the exit month with support: within 6, 7-12 and 13-24 months.
    is_mature_<k>: every base member is covered through month k (no gap from month 1). -#}
{%- set counts = {
    'base': 'true',
    'within_6': 'first_return_month between 1 and 6',
    'months_7_12': 'first_return_month between 7 and 12',
    'months_13_24': 'first_return_month between 13 and 24',
    'covered_through_6': 'covered_through_month >= 6',
    'covered_through_12': 'covered_through_month >= 12',
    'covered_through_24': 'covered_through_month >= 24',
} -%}

with

members as (
    select * from {{ ref('int_exits_followed_up') }}
    where is_cohort_member and is_work_or_studies
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

breakdowns as (
    select
        *,
        {{ follow_up_breakdowns() }}
    from members
),

monthly as (
    {{ follow_up_monthly('breakdowns', [], counts) }}
),

rolled_up as (
    {{ follow_up_rolled_up('monthly', 'periods', [], counts) }}
),

final as (
    -- noqa: disable=LT02
    select
        insats,
        period_type,
        period_label,
        period_start,
        period_end,
        dimension,
        dimension_value,
        {%- for count in counts %}
        {{ count }},
        {{ count }}_cell_key,
        {%- endfor %}
        {%- for k in [6, 12, 24] %}
        {{ is_mature_cohort('covered_through_' ~ k, 'base') }} as is_mature_{{ k }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from rolled_up
    -- noqa: enable=LT02
)

select * from final
