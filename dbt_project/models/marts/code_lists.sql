{#- Kodlistor, beside the figures they classify: every code of the case systems' code lists
    (seed code_meanings; the delivered labels that map onto it from seed code_labels) and
    of SCB's ESF reports (seeds esf_exit_reasons, esf_status_occupations), with its meaning
    and the columns that hold it (seed code_list_names). Each case-system list also has the
    category a delivered label on no list becomes (var unknown_code_label), with its
    meaning from the glossary. -#}

with

lists as (
    select * from {{ ref('code_list_names') }}
),

meanings as (
    select * from {{ ref('code_meanings') }}
),

labels as (
    select
        code_list,
        code,
        list(label order by label) as labels
    from {{ ref('code_labels') }}
    group by code_list, code
),

unknown_code as (
    select meaning from {{ ref('glossary_terms') }}
    where term = '{{ var("unknown_code_label") }}'
),

codes as (
    select
        meanings.code_list,
        meanings.code,
        meanings.meaning,
        coalesce(labels.labels, []) as labels
    from meanings
    left join labels
        on meanings.code_list = labels.code_list and meanings.code = labels.code
    union all
    select distinct
        labels.code_list,
        '{{ var("unknown_code_label") }}' as code,
        unknown_code.meaning,
        [] as labels
    from labels
    cross join unknown_code
    union all
    select
        'esf_avslutningsorsak' as code_list,
        cast(code as varchar) as code,
        label as meaning,
        [cast(code as varchar)] as labels
    from {{ ref('esf_exit_reasons') }}
    union all
    select
        'esf_status_start' as code_list,
        cast(code as varchar) as code,
        status_label || ' (sysselsättning ' || occupation || ')' as meaning,
        [cast(code as varchar)] as labels
    from {{ ref('esf_status_occupations') }}
),

final as (
    select
        codes.code_list,
        lists.label as code_list_label,
        codes.code,
        codes.meaning,
        codes.labels,
        string_split(lists.columns, ' ') as used_in
    from codes
    left join lists
        on codes.code_list = lists.code_list
)

select * from final
