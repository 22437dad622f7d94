{#- Finansiering per part: each party's share of the insats' budget for the year
    (budget_amount = total budget × share_percent / 100). -#}

with

funding_shares as (
    select * from {{ ref('stg_raw__funding_shares') }}
),

budget_lines as (
    select * from {{ ref('stg_raw__budget_lines') }}
),

budgets as (
    select
        year,
        insats,
        sum(budget) as budget
    from budget_lines
    group by year, insats
),

final as (
    select
        funding_shares.insats,
        funding_shares.year,
        funding_shares.party,
        sum(funding_shares.share_percent) as share_percent,
        cast(
            round(any_value(budgets.budget) * sum(funding_shares.share_percent) / 100, 2)
            as decimal(18, 2)
        ) as budget_amount
    from funding_shares
    left join budgets
        on
            funding_shares.insats = budgets.insats
            and funding_shares.year = budgets.year
    group by funding_shares.insats, funding_shares.year, funding_shares.party
)

select * from final
