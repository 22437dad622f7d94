{#- Försörjning per person och månad (the support panel), from the current income-support
    extracts (kind F), aggregated from the raw rows once. A month is on public support when
    a public-support source paid a benefit (amount > 0); wages (Skatteverket) are not public
    support. A month is covered (täckt) when every current public-support extract either
    has a row for the person in it, or has no rows for the person at all while it covers
    the month (the agency does not know the person: nothing paid); the person has rows in
    at least one extract. An extract delivers every month it covers, so this is: the
    person has a row from each public source that knows them, and the month lies in every
    public extract's months. Each person's months run from their first to their last
    delivered month. -#}

with

support_rows as (
    select * from {{ ref('stg_raw__income_support_months') }}
),

sources as (
    select * from {{ ref('int_income_support_sources_classified') }}
),

public_window as (
    -- The months every current public-support extract covers (none: nothing is covered).
    select
        max(first_month) as first_month,
        min(last_month) as last_month
    from sources
    where is_public_support
),

source_months as (
    -- The raw rows, once, to person × month × source × benefit.
    select
        support_rows.person_id,
        support_rows.month,
        support_rows.source,
        sources.party,
        sources.is_public_support,
        support_rows.benefit,
        max(support_rows.extent) as extent,
        sum(support_rows.amount) as amount
    from support_rows
    inner join sources
        on support_rows.source = sources.source
    group by all
),

source_payments as (
    select
        *,
        is_public_support and benefit is not null and amount > 0 as is_public_payment
    from source_months
),

person_months as (
    select
        person_id,
        month,
        count(distinct source) filter (where is_public_support) as public_sources,
        coalesce(sum(amount) filter (where is_public_support), 0) as public_amount,
        coalesce(sum(amount) filter (where not is_public_support), 0) as wages,
        bool_or(is_public_payment) as is_on_public_support,
        -- The main public benefit: the largest amount of the month.
        first(benefit order by amount desc, benefit asc) filter (where is_public_payment)
            as main_public_benefit,
        first(extent order by amount desc, benefit asc) filter (where is_public_payment)
            as main_public_benefit_extent,
        list(
            { 'party': party, 'benefit': benefit, 'extent': extent, 'amount': amount }
            order by party, benefit
        ) filter (where is_public_support and amount != 0) as public_payments
    from source_payments
    group by person_id, month
),

persons as (
    select
        person_id,
        min(month) as first_month,
        max(month) as last_month,
        count(distinct source) filter (where is_public_support) as known_public_sources
    from source_months
    group by person_id
),

person_month_grid as (
    select
        person_id,
        known_public_sources,
        unnest(generate_series(first_month, last_month, interval 1 month)) as month_start
    from persons
),

final as (
    select
        grid.person_id,
        cast(grid.month_start as date) as month,
        coalesce(person_months.public_amount, 0) as public_amount,
        coalesce(person_months.wages, 0) as wages,
        person_months.main_public_benefit,
        person_months.main_public_benefit_extent,
        coalesce(person_months.is_on_public_support, false) as is_on_public_support,
        coalesce(
            coalesce(person_months.public_sources, 0) = grid.known_public_sources
            and grid.month_start between public_window.first_month and public_window.last_month,
            false
        ) as is_covered,
        coalesce(person_months.public_payments, []) as public_payments
    from person_month_grid as grid
    cross join public_window
    left join person_months
        on
            grid.person_id = person_months.person_id
            and cast(grid.month_start as date) = person_months.month
)

select * from final
