{#- Figures an insats published by hand (marts.stated_figure_checks), one row per stated
    figure, failing when it differs from the computed one. -#}

with

stated_figure_checks as (
    select * from {{ ref('stated_figure_checks') }}
),

quality_run as (
    select * from {{ ref('quality_run') }}
),

final as (
    select
        md5(
            stated_figure_checks.insats || '|' || coalesce(stated_figure_checks.unit, '')
            || '|' || stated_figure_checks.figure || '|' || row_number() over ()
        ) as finding_id,
        'stated_figure_consistent' as expectation,
        'stated_figure_consistent' as "check",
        1.0 as threshold,
        coalesce(stated_figure_checks.is_consistent, false) as is_passing,
        null as organisation,
        stated_figure_checks.insats,
        stated_figure_checks.unit,
        null as caseworker,
        null as case_id,
        stated_figure_checks.figure as field,
        case
            when not coalesce(stated_figure_checks.is_consistent, false)
                then
                    'Angiven siffra ' || stated_figure_checks.figure || ' = '
                    || stated_figure_checks.stated_value || ', beräknad '
                    || coalesce(cast(stated_figure_checks.computed_value as varchar), 'saknas')
        end as problem,
        quality_run.as_of as since_date,
        0 as days_open,
        2 as priority
    from stated_figure_checks
    cross join quality_run
)

select * from final
