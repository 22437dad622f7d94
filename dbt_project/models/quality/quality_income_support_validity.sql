{#- Ersättning labels of the current income-support extracts (kind F) on the forsorjning
    code list: one row per extract and delivered label, failing when the label maps to no
    code (counted as Okänd kod). About a file, not a case: no case_id. -#}

with

support_rows as (
    select * from {{ ref('stg_raw__income_support_months') }}
    where benefit is not null
),

quality_run as (
    select * from {{ ref('quality_run') }}
),

labels as (
    select
        file_id,
        source_file,
        source,
        extraction_date,
        trim(benefit_label) as benefit_label,
        benefit = '{{ var("unknown_code_label") }}' as is_unknown,
        count(*) as delivered_rows,
        min(row_number) as first_row
    from support_rows
    group by all
),

final as (
    select
        md5(labels.file_id || '|' || labels.benefit_label) as finding_id,
        'vocabulary:benefit' as expectation,
        'vocabulary:benefit' as "check",
        1.0 as threshold,
        not labels.is_unknown as is_passing,
        labels.source as organisation,
        null as insats,
        null as unit,
        null as caseworker,
        null as case_id,
        'benefit' as field,
        case
            when labels.is_unknown
                then
                    'Ersättning: okänd kod ''' || labels.benefit_label || ''' på '
                    || labels.delivered_rows
                    || ' rad(er) ('
                    || labels.source_file
                    || ', första rad '
                    || labels.first_row || '): räknas som '
                    || '{{ var("unknown_code_label") }}'
        end as problem,
        labels.extraction_date as since_date,
        date_diff('day', labels.extraction_date, quality_run.as_of) as days_open,
        2 as priority
    from labels
    cross join quality_run
)

select * from final
