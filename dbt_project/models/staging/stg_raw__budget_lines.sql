with

delivered as (
    {{ current_file_rows('budget_lines') }}
),

final as (
    select
        file_id,
        cast(year as integer) as year,
        trim(insats) as insats,
        trim(cast(project as varchar)) as project,
        trim(cost_line) as cost_line,
        cast(budget as decimal(18, 2)) as budget
    from delivered
)

select * from final
