{#- The current income-support extracts by source, with the party that pays (seed
    income_support_sources; a source missing from it is a municipality) and whether what
    it pays is public support (wages are not). -#}

with

extracts as (
    select * from {{ ref('stg_raw__income_support_extracts') }}
),

sources as (
    select * from {{ ref('income_support_sources') }}
),

final as (
    select
        extracts.source,
        coalesce(sources.party, '{{ var("income_support_default_party") }}') as party,
        coalesce(sources.is_public_support, true) as is_public_support,
        extracts.first_month,
        extracts.last_month,
        extracts.file_id,
        extracts.source_file
    from extracts
    left join sources
        on extracts.source = sources.source
)

select * from final
