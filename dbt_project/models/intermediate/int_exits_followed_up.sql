{#- Uppföljning efter avslut: one row per exited episode of a linkable person (neither
    protected nor unlinkable), and for the cohort members among them (the episode's rows
    gave follow-up consent) what the support panel says. Month k after exit is the exit
    month + k (the exit month is month 0); months -12..-1 are before the enrolment month.
    Each member's months are matched to the panel on person and month (an equality join,
    36 rows per member), then folded into one row: the status of months 1..24, the first
    month 1..24 with public support, the months covered without a gap from month 1, the
    kronor per paying party in the 12 months before enrolment and the 12 after exit, and
    for members on a benefit paid at an extent at enrolment (var
    follow_up_extent_benefits) its extent then (the case system's Omfattning, else the
    extract's in the enrolment month) and whether it ended, was lowered or was unchanged
    in months 6 and 12 (null when the month is not covered).
    Built per person (macros/per_person_increments.sql): a night that changes some
    persons' episodes and neither the panel nor the payments computes only their rows. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=[
        "{{ collect_persons_to_rebuild(follow_up_members(), follow_up_member_columns(),
            ['support_panel', 'int_public_payments_classified']) }}",
        "{{ delete_persons_to_rebuild() }}",
    ],
) }}

with

exited as (
    {{ follow_up_members() }}
),

panel as (
    select * from {{ ref('support_panel') }}
),

public_payments as (
    select * from {{ ref('int_public_payments_classified') }}
),

members as (
    {{ rows_to_rebuild('exited') }}
),

relative_months as (
    -- -12..0: from the enrolment month; 1..24: after the exit month.
    select unnest(generate_series(-12, 24)) as relative_month
),

member_month_keys as (
    select
        members.enrolment_id,
        members.person_key,
        members.extent_benefit,
        relative_months.relative_month,
        cast(
            case
                when relative_months.relative_month <= 0 then members.enrolment_month
                else members.exit_month
            end + to_months(relative_months.relative_month) as date
        ) as month
    from members
    cross join relative_months
    where members.is_cohort_member
),

member_months as (
    select
        keys.enrolment_id,
        keys.extent_benefit,
        keys.relative_month,
        coalesce(panel.is_covered, false) as is_covered,
        coalesce(panel.is_on_public_support, false) as is_on_public_support,
        panel.main_public_benefit,
        panel.main_public_benefit_extent
    from member_month_keys as keys
    left join panel
        on keys.person_key = panel.person_id and keys.month = panel.month
),

statuses as (
    select
        enrolment_id,
        -- Sorted after the aggregate, on months_after (each struct's first field): an
        -- aggregate with an order by holds every group's rows in memory and cannot spill.
        list_sort(list(
            {
                'months_after': relative_month,
                'is_covered': is_covered,
                'is_self_supporting': is_covered and not is_on_public_support,
                'income_source': case
                    when not is_covered then null
                    when is_on_public_support then main_public_benefit
                    else '{{ var("self_supporting_label") }}'
                end,
                'extent': case
                    when is_covered and is_on_public_support then main_public_benefit_extent
                end
            }
        ) filter (where relative_month > 0)) as months_after_exit,
        min(relative_month) filter (where relative_month > 0 and is_on_public_support)
            as first_return_month,
        coalesce(min(relative_month) filter (where relative_month > 0 and not is_covered) - 1, 24)
            as covered_through_month,
        count_if(relative_month != 0 and relative_month <= 12 and is_covered) = 24
            as is_covered_before_and_after
    from member_months
    group by enrolment_id
),

member_payments as (
    -- The public payments of each member's months to month 12 after exit (all that the
    -- payments and the benefit extent read): the members' months are the small side.
    select
        keys.enrolment_id,
        keys.extent_benefit,
        keys.relative_month,
        public_payments.party,
        public_payments.benefit,
        public_payments.extent,
        public_payments.amount
    from member_month_keys as keys
    inner join public_payments
        on keys.person_key = public_payments.person_id and keys.month = public_payments.month
    where keys.relative_month <= 12
),

payments_by_party as (
    select
        enrolment_id,
        party,
        coalesce(sum(amount) filter (where relative_month < 0), 0) as before_amount,
        coalesce(sum(amount) filter (where relative_month between 1 and 12), 0) as after_amount
    from member_payments
    group by enrolment_id, party
),

payments as (
    select
        enrolment_id,
        list_sort(list(
            { 'party': party, 'before_amount': before_amount, 'after_amount': after_amount }
        )) as payments_by_party
    from payments_by_party
    group by enrolment_id
),

benefit_payments as (
    -- Payments of the member's benefit at enrolment, in the enrolment month and months 6, 12.
    select
        enrolment_id,
        max(extent) filter (where relative_month = 0) as extract_extent_at_enrolment,
        bool_or(relative_month = 6) as is_paid_6,
        max(extent) filter (where relative_month = 6) as extent_6,
        bool_or(relative_month = 12) as is_paid_12,
        max(extent) filter (where relative_month = 12) as extent_12
    from member_payments
    where benefit = extent_benefit and amount > 0
    group by enrolment_id
),

followed as (
    select
        members.*,
        statuses.months_after_exit,
        statuses.first_return_month,
        coalesce(statuses.covered_through_month, 0) as covered_through_month,
        coalesce(statuses.is_covered_before_and_after, false) as is_covered_before_and_after,
        coalesce(payments.payments_by_party, []) as payments_by_party,
        case
            when members.extent_benefit is not null
                then
                    coalesce(
                        members.income_extent_at_enrolment,
                        benefit_payments.extract_extent_at_enrolment
                    )
        end as baseline_extent,
        benefit_payments.is_paid_6,
        benefit_payments.extent_6,
        benefit_payments.is_paid_12,
        benefit_payments.extent_12
    from members
    left join statuses
        on members.enrolment_id = statuses.enrolment_id
    left join payments
        on members.enrolment_id = payments.enrolment_id
    left join benefit_payments
        on members.enrolment_id = benefit_payments.enrolment_id
),

final as (
    -- noqa: disable=LT02
    select
        * exclude (is_paid_6, extent_6, is_paid_12, extent_12),
        {%- for k in [6, 12] %}
        extent_{{ k }} as benefit_extent_{{ k }},
        case
            when
                extent_benefit is null
                or not coalesce(months_after_exit[{{ k }}].is_covered, false)
                then null
            when not coalesce(is_paid_{{ k }}, false) then 'ended'
            when extent_{{ k }} < baseline_extent then 'lowered'
            else 'unchanged'
        end as benefit_status_{{ k }}{{ "," if not loop.last }}
        {%- endfor %}
    from followed
    -- noqa: enable=LT02
)

select * from final
