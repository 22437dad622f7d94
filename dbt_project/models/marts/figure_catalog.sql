{#- Nyckeltalskatalogen (seed figure_definitions) as the warehouse publishes it: definitions
    with the project's rules filled in (macro filled_definition), the disclosure basis as a
    list of the mart row's columns, and how views managers read protect the figure
    (pipelines/disclosure.py: count, ratio, scaled, per_person, masked or none; for a
    follow-up figure also its cohort's maturity flag and person count). -#}

with

definitions as (
    select * from {{ ref('figure_definitions') }}
),

final as (
    select
        figure_id,
        label,
        {{ filled_definition('definition') }} as definition,
        unit,
        coalesce(string_split(nullif(trim(disclosure_basis), ''), ' '), []) as disclosure_basis,
        protection,
        mart,
        mart_column,
        nullif(trim(maturity_flag), '') as maturity_flag,
        nullif(trim(cohort_basis), '') as cohort_basis
    from definitions
)

select * from final
