{#- Status vid uppföljning: for the exit cohort of each period, per insats and breakdown,
    in month k after the exit month (1..24 in total, 6, 12 and 24 by breakdown): exits of
    linkable persons, the cohort (those with follow-up consent), the covered members and
    the self-supporting ones (covered, no public support in month k). The cohort is mature
    for month k when every member is covered; the share is reported only then. -#}
{%- set counts = {
    'exits': 'true',
    'cohort': 'is_cohort_member',
    'covered': 'is_cohort_member and coalesce(status.is_covered, false)',
    'self_supporting': 'is_cohort_member and coalesce(status.is_self_supporting, false)',
} -%}

with

members as (
    select * from {{ ref('int_exits_followed_up') }}
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

months as (
    select unnest(generate_series(1, 24)) as months_after
),

member_months as (
    select
        members.*,
        months.months_after,
        members.months_after_exit[months.months_after] as status
    from members
    cross join months
),

breakdowns as (
    select
        *,
        {{ follow_up_breakdowns() }}
    from member_months
),

counted_rows as (
    select breakdowns.* from breakdowns
    where breakdowns.breakdown.dimension = 'all' or breakdowns.months_after in (6, 12, 24)
),

monthly as (
    {{ follow_up_monthly('counted_rows', ['months_after'], counts) }}
),

rolled_up as (
    {{ follow_up_rolled_up('monthly', 'periods', ['months_after'], counts) }}
),

final as (
    select
        *,
        {{ is_mature_cohort('covered', 'cohort') }} as is_mature,
        case
            when {{ is_mature_cohort('covered', 'cohort') }}
                then {{ share('self_supporting', 'cohort') }}
        end as self_supporting_share
    from rolled_up
)

select * from final
