{#- Follow-up after exit (int_exits_followed_up): the exit cohort of a period is the exits
    whose exit month lies in it. Figures are counted per insats (and 'Alla insatser') and
    exit month first, then rolled up into every period of int_periods_spined, so no
    member × period rows are built. -#}

{#- The breakdowns of a cohort member's row (dimension, dimension_value), to unnest. -#}
{% macro follow_up_breakdowns() -%}
    unnest([
        { 'dimension': 'all', 'dimension_value': 'Alla' },
        { 'dimension': 'unit', 'dimension_value': unit },
        { 'dimension': 'gender', 'dimension_value': coalesce(gender, 'Okänt') },
        { 'dimension': 'age_band', 'dimension_value': coalesce(age_band, 'Okänd') },
        {
            'dimension': 'income_source_at_enrolment',
            'dimension_value': coalesce(income_source_at_enrolment, 'Uppgift saknas')
        },
        { 'dimension': 'exit_reason', 'dimension_value': coalesce(exit_reason, 'Okänd') }
    ]) as breakdown
{%- endmacro %}

{#- Per insats (and 'Alla insatser'), exit month, breakdown and the `keys` columns, over
    rows with insats, exit_month, breakdown and record_key: each count of `counts` (name:
    predicate on a row) with its cell key (the rows' record keys summed modulo key_range),
    and each sum of `sums` (name: expression). -#}
{% macro follow_up_monthly(rows, keys=[], counts={}, sums={}) -%}
    {%- set key_list = keys | join(', ') -%}
    {%- set key_tail = (', ' ~ key_list) if keys else '' -%}
    select
        coalesce(insats, 'Alla insatser') as insats,
        exit_month,
        breakdown.dimension,
        breakdown.dimension_value,
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {%- for name, expression in sums.items() %}
        sum({{ expression }}) as {{ name }},
        {%- endfor %}
        {%- for count, predicate in counts.items() %}
        count_if({{ predicate }}) as {{ count }},
        {{ cell_key('sum(record_key) filter (where ' ~ predicate ~ ')') }} as {{ count }}_cell_key
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ rows }}
    {#- sqlfluff's duckdb dialect cannot parse grouping sets (DuckDB runs them): hence noqa. #}
    group by grouping sets (  /* noqa: PRS */
        (insats, exit_month, breakdown.dimension, breakdown.dimension_value{{ key_tail }}),
        (exit_month, breakdown.dimension, breakdown.dimension_value{{ key_tail }})
    )
{%- endmacro %}

{#- The monthly figures of follow_up_monthly rolled into every period containing the exit
    month: counts and sums added, cell keys of the sums of the cell keys. -#}
{% macro follow_up_rolled_up(monthly, periods, keys=[], counts={}, sums={}) -%}
    select
        {{ monthly }}.insats,
        {{ periods }}.period_type,
        {{ periods }}.period_label,
        {{ periods }}.period_start,
        {{ periods }}.period_end,
        {{ monthly }}.dimension,
        {{ monthly }}.dimension_value,
        {%- for key in keys %}
        {{ monthly }}.{{ key }},
        {%- endfor %}
        {%- for name in sums %}
        sum({{ monthly }}.{{ name }}) as {{ name }},
        {%- endfor %}
        {%- for count in counts %}
        cast(sum({{ monthly }}.{{ count }}) as bigint) as {{ count }},
        {{ cell_key('sum(' ~ monthly ~ '.' ~ count ~ '_cell_key)') }} as {{ count }}_cell_key
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ monthly }}
    inner join {{ periods }}
        on {{ monthly }}.exit_month between {{ periods }}.period_start and {{ periods }}.period_end
    group by all
{%- endmacro %}

{#- A cohort figure is reported only when the cohort is mature for it (mogen kohort): every
    member is covered (the count `covered` equals the count `members`, and is not 0). -#}
{% macro is_mature_cohort(covered, members) -%}
    ({{ covered }} = {{ members }} and {{ members }} > 0)
{%- endmacro %}

{#- The kronor of a cohort from its sums (before and after, in kronor) and participants:
    before, after and change (after - before), in total and per participant, null unless
    the cohort is mature. One definition for follow_up_payments and the report's windows
    (marts.period_follow_up_payments). -#}
{% macro payment_kronor(before_sum, after_sum, participants, is_mature) -%}
    {%- set totals = {
        'before': before_sum,
        'after': after_sum,
        'change': '(' ~ after_sum ~ ') - (' ~ before_sum ~ ')',
    } -%}
    {%- for measure, total in totals.items() %}
    cast(case when {{ is_mature }} then {{ total }} end as decimal(18, 2)) as {{ measure }}_total,
    {%- endfor %}
    {%- for measure, total in totals.items() %}
    cast(case when {{ is_mature }} then round({{ share(total, participants) }}, 2) end
        as decimal(18, 2)) as {{ measure }}_per_participant
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A report's cohort windows summed from a follow-up mart's month rows (period_type
    'month': one exit month each). `requests` has insats, dimension, dimension_value,
    exits_from, exits_to and the columns `matches` (joined to the mart's columns of the
    same name); the mart's `groups` columns split the result. Counts add and the cell key of
    a union of disjoint cohorts is the cell key of the sum of theirs (as follow_up_rolled_up
    rolls months into periods); `sums` add. A window without exits gets zeros, except that
    the `groups` columns are null then. -#}
{% macro follow_up_windowed(requests, mart, matches=[], groups=[], counts=[], sums=[]) -%}
    select
        requests.*,
        {%- for group in groups %}
        cohort_months.{{ group }},
        {%- endfor %}
        {%- for name in sums %}
        sum(cohort_months.{{ name }}) as {{ name }},
        {%- endfor %}
        {%- for count in counts %}
        cast(coalesce(sum(cohort_months.{{ count }}), 0) as bigint) as {{ count }},
        {{ cell_key('sum(cohort_months.' ~ count ~ '_cell_key)') }} as {{ count }}_cell_key
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ requests }} as requests
    left join {{ mart }} as cohort_months
        on
            requests.insats = cohort_months.insats
            and cohort_months.period_type = 'month'
            and requests.dimension = cohort_months.dimension
            and requests.dimension_value = cohort_months.dimension_value
            and cohort_months.period_start between requests.exits_from and requests.exits_to
            {%- for match in matches %}
            and requests.{{ match }} = cohort_months.{{ match }}
            {%- endfor %}
    group by all
{%- endmacro %}

{#- A count of a cohort figure as the report shows it: null (with its cell key) unless the
    cohort is mature for it, never a smaller number. -#}
{% macro count_when_mature(count, is_mature, relation='') -%}
    case when {{ is_mature }} then {{ relation }}{{ count }} end as {{ count }},
    case when {{ is_mature }} then {{ relation }}{{ count }}_cell_key end as {{ count }}_cell_key
{%- endmacro %}

{#- The columns of int_exits_followed_up that describe the episode (its member), in the
    order follow_up_members selects them. -#}
{% macro follow_up_member_columns() -%}
    {%- do return([
        'enrolment_id', 'person_key', 'record_key', 'insats', 'unit', 'gender', 'age_band',
        'income_source_at_enrolment', 'exit_reason', 'is_work_or_studies', 'is_cohort_member',
        'enrolment_month', 'exit_month', 'extent_benefit', 'income_extent_at_enrolment',
    ]) -%}
{%- endmacro %}

{#- One row per exited episode of a linkable person (neither protected nor unlinkable), with
    follow_up_member_columns: what int_exits_followed_up follows up, and all it reads of the
    episodes (its rows per person decide which persons a night recomputes). -#}
{% macro follow_up_members() -%}
    {%- set extent_benefits = var('follow_up_extent_benefits') -%}
    select
        enrolment_id,
        person_key,
        record_key,
        insats,
        unit,
        gender,
        age_band,
        income_source_at_enrolment,
        exit_reason,
        is_work_or_studies,
        has_follow_up_consent as is_cohort_member,
        cast(date_trunc('month', enrolment_date) as date) as enrolment_month,
        cast(date_trunc('month', exit_date) as date) as exit_month,
        case
            when income_source_at_enrolment in (
                {%- for benefit in extent_benefits -%}
                '{{ benefit }}'{{ ", " if not loop.last }}
                {%- endfor -%}
            ) then income_source_at_enrolment
        end as extent_benefit,
        income_extent_at_enrolment
    from {{ ref('int_enrolment_episodes_merged') }}
    where status = 'avslutad' and not is_protected_identity and not is_unlinkable
{%- endmacro %}
