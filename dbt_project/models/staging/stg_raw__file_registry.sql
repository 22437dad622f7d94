with

registry as (
    select * from {{ source('raw', 'file_registry') }}
),

final as (
    select
        file_id,
        file_name,
        source_kind,
        organisation,
        cast(extraction_date as date) as extraction_date,
        content_hash,
        rows_read,
        rows_loaded,
        rows_rejected,
        loaded_at,
        status,
        is_current,
        superseded_by
    from registry
)

select * from final
