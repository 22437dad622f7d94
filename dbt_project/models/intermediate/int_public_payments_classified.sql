{#- Offentliga utbetalningar: the rows of the current income-support extracts (kind F) that
    are public payments (a public-support source, amount not 0; repayments negative), with
    the party that paid. Ephemeral: read by int_exits_followed_up only for its cohort
    members' months, never stored (tens of millions of rows at national scale). -#}
{{ config(materialized='ephemeral') }}

with

support_rows as (
    select * from {{ ref('stg_raw__income_support_months') }}
),

sources as (
    select * from {{ ref('int_income_support_sources_classified') }}
),

final as (
    select
        support_rows.person_id,
        support_rows.month,
        sources.party,
        support_rows.benefit,
        support_rows.extent,
        support_rows.amount
    from support_rows
    inner join sources
        on support_rows.source = sources.source
    where sources.is_public_support and support_rows.amount != 0
)

select * from final
