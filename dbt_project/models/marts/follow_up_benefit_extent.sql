{#- Ersättningens omfattning efter avslut: of the cohort members on a benefit paid at an
    extent at enrolment (var follow_up_extent_benefits), in month 6 and 12 after the exit
    month, the covered ones and among them those whose benefit ended (not paid), was
    lowered (a lower extent than at enrolment) or was unchanged. The cohort is mature for
    month k when every base member is covered. -#}
{%- set counts = {
    'base': 'true',
    'covered': 'benefit_status is not null',
    'ended': "benefit_status = 'ended'",
    'lowered': "benefit_status = 'lowered'",
    'unchanged': "benefit_status = 'unchanged'",
} -%}

with

members as (
    select * from {{ ref('int_exits_followed_up') }}
    where is_cohort_member and extent_benefit is not null
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

months as (
    select unnest([6, 12]) as months_after
),

member_months as (
    select
        members.*,
        months.months_after,
        case months.months_after
            when 6 then members.benefit_status_6
            else members.benefit_status_12
        end as benefit_status
    from members
    cross join months
),

breakdowns as (
    select
        *,
        {{ follow_up_breakdowns() }}
    from member_months
),

monthly as (
    {{ follow_up_monthly('breakdowns', ['months_after'], counts) }}
),

rolled_up as (
    {{ follow_up_rolled_up('monthly', 'periods', ['months_after'], counts) }}
),

final as (
    select
        *,
        {{ is_mature_cohort('covered', 'base') }} as is_mature
    from rolled_up
)

select * from final
