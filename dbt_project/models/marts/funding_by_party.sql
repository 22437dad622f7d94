{#- Finansiering per part: each party's amount of the insats' budget for the year
    (budget_amount = total budget × the party's share_percent / 100), and for 'Alla
    insatser' the parties' amounts summed over the insatser, with share_percent their share
    of all insatser's budget. -#}

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

per_insats as (
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
),

all_insatser as (
    select
        'Alla insatser' as insats,
        year,
        party,
        sum(budget_amount) * 100 / sum(sum(budget_amount)) over (partition by year)
            as share_percent,
        cast(sum(budget_amount) as decimal(18, 2)) as budget_amount
    from per_insats
    group by year, party
),

final as (
    select * from per_insats
    union all
    select * from all_insatser
)

select * from final
