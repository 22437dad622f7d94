{#- Leveranser: every delivered file and what became of it, for the stewards' page and the
    run summary. One row per file name and content: a content delivered again under another
    name is a dubblett of the first. -#}
with

registry as (
    select * from {{ ref('stg_raw__file_registry') }}
),

delivery_log as (
    select * from {{ ref('stg_raw__delivery_log') }}
),

delivery_kinds as (
    select * from {{ ref('delivery_kinds') }}
),

rejects as (
    select * from {{ source('raw', 'rejects') }}
),

fields_nulled as (
    select
        file_id,
        count(*) as fields_nulled
    from rejects
    where action = 'field_nulled'
    group by file_id
),

last_handled as (
    select
        file_id,
        file_name,
        outcome,
        reason,
        handled_at
    from delivery_log
    qualify row_number() over (
        partition by file_id, file_name order by handled_at desc
    ) = 1
),

registered as (
    select
        registry.file_id,
        registry.file_name,
        registry.source_kind,
        registry.organisation,
        registry.extraction_date,
        case
            when registry.status = 'quarantined' then 'i karantän'
            when registry.is_current then 'inläst'
            else 'ersatt'
        end as status,
        case
            when registry.status = 'quarantined' then last_handled.reason
        end as reason,
        successor.file_name as superseded_by_file,
        registry.rows_read,
        registry.rows_loaded,
        registry.rows_rejected,
        coalesce(fields_nulled.fields_nulled, 0) as fields_nulled,
        registry.loaded_at as received_at
    from registry
    left join last_handled
        on
            registry.file_id = last_handled.file_id
            and registry.file_name = last_handled.file_name
    left join registry as successor
        on registry.superseded_by = successor.file_id
    left join fields_nulled
        on registry.file_id = fields_nulled.file_id
),

duplicates as (
    select
        last_handled.file_id,
        last_handled.file_name,
        registry.source_kind,
        registry.organisation,
        registry.extraction_date,
        'dubblett' as status,
        'samma innehåll som ' || registry.file_name as reason,
        null as superseded_by_file,
        0 as rows_read,
        0 as rows_loaded,
        0 as rows_rejected,
        0 as fields_nulled,
        last_handled.handled_at as received_at
    from last_handled
    inner join registry
        on last_handled.file_id = registry.file_id
    where last_handled.outcome = 'duplicate'
),

deliveries as (
    select * from registered
    union all
    select * from duplicates
),

final as (
    select
        deliveries.file_name,
        deliveries.source_kind,
        coalesce(delivery_kinds.kind_label, 'Okänd filtyp') as kind_label,
        deliveries.organisation,
        deliveries.extraction_date,
        deliveries.status,
        deliveries.reason,
        deliveries.superseded_by_file,
        deliveries.rows_read,
        deliveries.rows_loaded,
        deliveries.rows_rejected,
        deliveries.fields_nulled,
        deliveries.received_at,
        deliveries.file_id
    from deliveries
    left join delivery_kinds
        on deliveries.source_kind = delivery_kinds.source_kind
)

select * from final
