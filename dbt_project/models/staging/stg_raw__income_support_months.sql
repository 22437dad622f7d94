{#- Försörjningsregister (kind F) of the current extracts: one row per person, month and
    benefit paid (benefit null: nothing paid that month). The delivered Ersättning label is
    mapped onto the forsorjning code list here rather than in an intermediate model, and
    the model is ephemeral: at national scale these are tens of millions of rows, and the
    only stored copy of them is their person × month aggregate (marts.support_panel).
    Labels are normalised once per distinct delivered label, not once per row, and the
    delivered rows are read once (a CTE read twice would be materialised). -#}
{{ config(materialized='ephemeral') }}

with

delivered as (
    {{ current_file_rows('income_support_months') }}
),

delivered_labels as (
    select distinct benefit as label
    from {{ source('raw', 'income_support_months') }}
    where benefit is not null
),

benefit_codes as (
    select
        {{ normalise_label('label') }} as label_key,
        code
    from {{ ref('code_labels') }}
    where code_list = 'forsorjning'
),

label_codes as (
    -- A delivered label on no code list is its own category, apart from a missing one.
    select
        delivered_labels.label,
        coalesce(
            benefit_codes.code,
            case
                when {{ normalise_label('delivered_labels.label') }} is not null
                    then '{{ var("unknown_code_label") }}'
            end
        ) as code
    from delivered_labels
    left join benefit_codes
        on benefit_codes.label_key = {{ normalise_label('delivered_labels.label') }}
),

final as (
    select
        delivered.file_id,
        delivered.source_file,
        cast(delivered.row_number as integer) as row_number,
        lower(delivered.organisation) as source,
        cast(delivered.extraction_date as date) as extraction_date,
        delivered.person_id,
        cast(date_trunc('month', delivered.month) as date) as month,
        delivered.benefit as benefit_label,
        label_codes.code as benefit,
        cast(delivered.extent as integer) as extent,
        cast(coalesce(delivered.amount, 0) as decimal(18, 2)) as amount
    from delivered
    left join label_codes
        on delivered.benefit = label_codes.label
    where delivered.person_id is not null and delivered.month is not null
)

select * from final
