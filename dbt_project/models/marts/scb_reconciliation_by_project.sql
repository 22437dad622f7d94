{#- Avstämning mot SCB per ESF project: persons in both sources, only in the case system
    and only in SCB's report, each with its cell key (macro reconciliation_counts over
    scb_reconciliation). -#}

with

reconciled as (
    select * from {{ ref('scb_reconciliation') }}
),

final as (
    select
        esf_project,
        insats,
        {{ reconciliation_counts('status', 'person_key') }}
    from reconciled
    group by esf_project, insats
)

select * from final
