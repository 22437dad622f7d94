{#- The current income-support extracts (kind F), one per source: the months each covers
    and the counts of persons it did not store (never who they are). -#}

with

delivered as (
    {{ current_file_rows('income_support_extracts') }}
),

final as (
    select
        file_id,
        source_file,
        lower(organisation) as source,
        cast(extraction_date as date) as extraction_date,
        cast(date_trunc('month', first_month) as date) as first_month,
        cast(date_trunc('month', last_month) as date) as last_month,
        cast(unknown_persons as integer) as unknown_persons,
        cast(persons_without_consent as integer) as persons_without_consent,
        cast(rows_without_consent as integer) as rows_without_consent,
        cast(persons_not_in_case_system as integer) as persons_not_in_case_system,
        cast(rows_not_in_case_system as integer) as rows_not_in_case_system
    from delivered
)

select * from final
