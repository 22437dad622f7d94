with

delivered as (
    {{ current_file_rows('funding_shares') }}
),

final as (
    select
        file_id,
        cast(year as integer) as year,
        trim(insats) as insats,
        trim(party) as party,
        cast(share_percent as double) as share_percent
    from delivered
)

select * from final
