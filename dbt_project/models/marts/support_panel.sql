{#- Försörjning per person och månad (the support panel), from the current income-support
    extracts (kind F), aggregated from the raw rows once. A month is on public support when
    a public-support source paid a benefit (amount > 0); wages (Skatteverket) are not public
    support. A month is covered (täckt) when every current public-support extract either
    has a row for the person in it, or has no rows for the person at all while it covers
    the month (the agency does not know the person: nothing paid). An extract delivers
    every month it covers, so this is: the month's public sources are all the public
    sources that know the person, and the month lies in every public extract's months.
    One row per person and month some extract delivered: a month no extract delivered is
    not covered, and is not in the panel.

    The public sources of a month are a bitstring over the current sources (one bit each),
    so the sources that know a person are the OR over the person's months: no distinct
    counts and no second pass over tens of millions of rows. -#}

with

support_rows as (
    select * from {{ ref('stg_raw__income_support_months') }}
),

classified_sources as (
    select * from {{ ref('int_income_support_sources_classified') }}
),

sources as (
    select
        source,
        is_public_support,
        first_month,
        last_month,
        cast(row_number() over (order by source) as integer) as source_number,
        cast(count(*) over () as integer) as source_count
    from classified_sources
),

public_window as (
    -- The months every current public-support extract covers (none: nothing is covered).
    select
        max(first_month) as first_month,
        min(last_month) as last_month
    from sources
    where is_public_support
),

payments as (
    select
        support_rows.person_id,
        support_rows.month,
        support_rows.benefit,
        support_rows.extent,
        support_rows.amount,
        set_bit(bitstring(cast('0' as bit), sources.source_count), sources.source_number - 1, 1)
            as source_bit,
        sources.is_public_support,
        sources.is_public_support and support_rows.benefit is not null and support_rows.amount > 0
            as is_public_payment
    from support_rows
    inner join sources
        on support_rows.source = sources.source
),

person_months as (
    select
        person_id,
        month,
        bit_or(source_bit) filter (where is_public_support) as public_sources,
        coalesce(sum(amount) filter (where is_public_support), 0) as public_amount,
        coalesce(sum(amount) filter (where not is_public_support), 0) as wages,
        coalesce(bool_or(is_public_payment), false) as is_on_public_support,
        -- The main public benefit: the largest amount of the month (ties: the first name).
        arg_min(benefit, { 'amount': -amount, 'benefit': benefit }) filter (
            where is_public_payment
        ) as main_public_benefit,
        arg_min(extent, { 'amount': -amount, 'benefit': benefit }) filter (
            where is_public_payment
        ) as main_public_benefit_extent
    from payments
    group by person_id, month
),

final as (
    select
        person_months.person_id,
        person_months.month,
        person_months.public_amount,
        person_months.wages,
        person_months.main_public_benefit,
        person_months.main_public_benefit_extent,
        person_months.is_on_public_support,
        coalesce(
            person_months.public_sources is not distinct from bit_or(person_months.public_sources)
                over (partition by person_months.person_id)
            and person_months.month
            between public_window.first_month and public_window.last_month,
            false
        ) as is_covered
    from person_months
    cross join public_window
)

select * from final
