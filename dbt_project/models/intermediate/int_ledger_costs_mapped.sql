{#- Ledger costs (utfall) per cost line (kostnadsslag): each account mapped through the
    account_cost_lines seed (Kommun-Bas ranges). Income (cost line Intäkter, accounts
    3xxx) and accounts outside every range are not costs and are left out. The insats is
    the one whose configured ledger project (projekt) the transaction is booked on. -#}

with

transactions as (
    select * from {{ ref('stg_raw__ledger_transactions') }}
),

account_cost_lines as (
    select * from {{ ref('account_cost_lines') }}
),

insats_config as (
    select * from {{ ref('stg_raw__insats_config') }}
),

final as (
    select
        transactions.file_id,
        transactions.row_number,
        transactions.voucher,
        transactions.booking_date,
        transactions.account,
        transactions.project,
        insats_config.insats,
        account_cost_lines.cost_line,
        transactions.amount
    from transactions
    inner join account_cost_lines
        on
            try_cast(transactions.account as integer)
            between account_cost_lines.account_from and account_cost_lines.account_to
            and account_cost_lines.cost_line != 'Intäkter'
    left join insats_config
        on transactions.project = insats_config.project
)

select * from final
