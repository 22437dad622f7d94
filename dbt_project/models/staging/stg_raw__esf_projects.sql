with

projects as (
    select * from {{ source('raw', 'esf_projects') }}
),

final as (
    select
        trim(esf_project) as esf_project,
        trim(insats) as insats,
        nullif(trim(unit), '') as unit
    from projects
)

select * from final
