{#- Status vid uppföljning efter försörjningskälla: for the exit cohort of each period, per
    insats and unit, the covered members in month 6, 12 and 24 after the exit month by their
    income source then (Självförsörjande, or the main public benefit: the largest amount of
    the month) and its extent; beside them the cohort and is_mature of follow_up_status, so
    a view can tell (and protect) the cohort the persons belong to. -#}
{%- set keys = ['months_after', 'income_source', 'extent'] -%}
{%- set counts = {'persons': 'true'} -%}

with

members as (
    select * from {{ ref('int_exits_followed_up') }}
    where is_cohort_member
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

status as (
    select * from {{ ref('follow_up_status') }}
    where dimension in ('all', 'unit')
),

months as (
    select unnest([6, 12, 24]) as months_after
),

member_months as (
    select
        members.insats,
        members.exit_month,
        members.record_key,
        months.months_after,
        members.months_after_exit[months.months_after].income_source as income_source,
        members.months_after_exit[months.months_after].extent as extent,
        unnest([
            { 'dimension': 'all', 'dimension_value': 'Alla' },
            { 'dimension': 'unit', 'dimension_value': members.unit }
        ]) as breakdown
    from members
    cross join months
    where members.months_after_exit[months.months_after].is_covered
),

monthly as (
    {{ follow_up_monthly('member_months', keys, counts) }}
),

rolled_up as (
    {{ follow_up_rolled_up('monthly', 'periods', keys, counts) }}
),

final as (
    select
        rolled_up.*,
        status.cohort,
        status.cohort_cell_key,
        status.is_mature
    from rolled_up
    inner join status
        on
            rolled_up.insats = status.insats
            and rolled_up.period_type = status.period_type
            and rolled_up.period_label = status.period_label
            and rolled_up.dimension = status.dimension
            and rolled_up.dimension_value = status.dimension_value
            and rolled_up.months_after = status.months_after
)

select * from final
