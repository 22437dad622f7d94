{#- Offentliga utbetalningar före och efter: for the exit cohort of each period, per insats,
    breakdown and paying party (the current public-support sources' parties, and 'Alla
    parter'), kronor paid in the 12 months before the enrolment month and the 12 months
    after the exit month, the change, the cohort's sum and per participant. The cohort is
    mature when every member is covered in all 24 of those months; kronor are reported
    only then. -#}
{%- set counts = {
    'participants': 'true',
    'covered_participants': 'is_covered_before_and_after',
} -%}
{%- set sums = {'before_sum': 'before_amount', 'after_sum': 'after_amount'} -%}

with

members as (
    select * from {{ ref('int_exits_followed_up') }}
    where is_cohort_member
),

sources as (
    select * from {{ ref('int_income_support_sources_classified') }}
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

parties as (
    select distinct party from sources
    where is_public_support
    union all
    select 'Alla parter' as party
),

party_amounts as (
    select
        enrolment_id,
        unnest(payments_by_party) as payment
    from members
),

amounts as (
    select
        party_amounts.enrolment_id,
        party_amounts.payment.party,
        party_amounts.payment.before_amount,
        party_amounts.payment.after_amount
    from party_amounts
    union all
    select
        party_amounts.enrolment_id,
        'Alla parter' as party,
        sum(party_amounts.payment.before_amount) as before_amount,
        sum(party_amounts.payment.after_amount) as after_amount
    from party_amounts
    group by party_amounts.enrolment_id
),

member_parties as (
    select
        members.*,
        parties.party,
        coalesce(amounts.before_amount, 0) as before_amount,
        coalesce(amounts.after_amount, 0) as after_amount
    from members
    cross join parties
    left join amounts
        on members.enrolment_id = amounts.enrolment_id and parties.party = amounts.party
),

breakdowns as (
    select
        *,
        {{ follow_up_breakdowns() }}
    from member_parties
),

monthly as (
    {{ follow_up_monthly('breakdowns', ['party'], counts, sums) }}
),

rolled_up as (
    {{ follow_up_rolled_up('monthly', 'periods', ['party'], counts, sums) }}
),

matured as (
    select
        *,
        {{ is_mature_cohort('covered_participants', 'participants') }} as is_mature
    from rolled_up
),

final as (
    select
        insats,
        period_type,
        period_label,
        period_start,
        period_end,
        dimension,
        dimension_value,
        party,
        participants,
        participants_cell_key,
        covered_participants,
        covered_participants_cell_key,
        is_mature,
        {{ payment_kronor('before_sum', 'after_sum', 'participants', 'is_mature') }}
    from matured
)

select * from final
