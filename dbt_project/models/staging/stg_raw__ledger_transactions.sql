with

delivered as (
    {{ current_file_rows('ledger_transactions') }}
),

final as (
    select
        file_id,
        source_file,
        cast(row_number as integer) as row_number,
        organisation,
        voucher,
        cast(booking_date as date) as booking_date,
        trim(cast(account as varchar)) as account,
        responsibility,
        trim(cast(project as varchar)) as project,
        cast(amount as decimal(18, 2)) as amount,
        text as transaction_text
    from delivered
)

select * from final
