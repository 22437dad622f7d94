{{ config(meta={'dagster': {'ref': {'name': 'figure_catalog'}}}) }}
-- depends_on: {{ ref('budget_vs_forecast') }}
-- depends_on: {{ ref('cost_per_participant') }}
-- depends_on: {{ ref('exits_by_reason') }}
-- depends_on: {{ ref('follow_up_benefit_extent') }}
-- depends_on: {{ ref('follow_up_payments') }}
-- depends_on: {{ ref('follow_up_returns') }}
-- depends_on: {{ ref('follow_up_status') }}
-- depends_on: {{ ref('follow_up_status_by_source') }}
-- depends_on: {{ ref('funding_by_party') }}
-- depends_on: {{ ref('income_transitions') }}
-- depends_on: {{ ref('occupation_transitions') }}
-- depends_on: {{ ref('outcomes') }}
-- depends_on: {{ ref('period_flows') }}
-- depends_on: {{ ref('reach') }}
-- depends_on: {{ ref('scb_reconciliation_by_project') }}
-- depends_on: {{ ref('throughput_times') }}
-- depends_on: {{ ref('time_to_outcome') }}
{#- Every figure of the catalogue, every count it rests on and the maturity flag it waits
    for is a column of its mart, and a cohort basis is a person count of the catalogue: a
    renamed column cannot leave a label, a definition or a masking basis behind. #}

with

figures as (
    select * from {{ ref('figure_catalog') }}
),

mart_columns as (
    select
        table_name,
        column_name
    from information_schema.columns
    where table_schema = '{{ ref("period_flows").schema }}'
),

named as (
    select
        figure_id,
        mart,
        mart_column as column_name
    from figures
    union all
    select
        figure_id,
        mart,
        unnest(disclosure_basis) as column_name
    from figures
    union all
    select
        figure_id,
        mart,
        maturity_flag as column_name
    from figures
    where maturity_flag is not null
),

person_counts as (
    select distinct mart_column as column_name
    from figures
    where protection = 'count'
),

final as (
    select named.*
    from named
    left join mart_columns
        on named.mart = mart_columns.table_name and named.column_name = mart_columns.column_name
    where mart_columns.column_name is null
    union all
    select
        figures.figure_id,
        figures.mart,
        figures.cohort_basis as column_name
    from figures
    left join person_counts
        on figures.cohort_basis = person_counts.column_name
    where figures.cohort_basis is not null and person_counts.column_name is null
)

select * from final
