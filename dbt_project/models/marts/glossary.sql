{#- Ordlistans begrepp (seed glossary_terms) as the warehouse publishes them, beside the
    figures of figure_catalog. -#}

with

terms as (
    select * from {{ ref('glossary_terms') }}
),

final as (
    select
        term,
        meaning
    from terms
)

select * from final
