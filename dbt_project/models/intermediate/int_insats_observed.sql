{#- How far each insats' data reaches (see _intermediate__models.yml). -#}

with

case_rows as (
    select * from {{ ref('int_case_rows_mapped') }}
    where not is_wrongly_registered
),

per_insats as (
    select
        coalesce(insats, 'Okänd insats') as insats,
        max(extraction_date) as observed_to_date
    from case_rows
    group by coalesce(insats, 'Okänd insats')
),

final as (
    select * from per_insats
    union all
    select
        'Alla insatser' as insats,
        min(observed_to_date) as observed_to_date
    from per_insats
)

select * from final
