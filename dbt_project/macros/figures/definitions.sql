{#- Small shared definitions of domain.md, so every model and report macro agrees. -#}

{#- Months from days: days / 30.4375 (the average month of the Gregorian year). -#}
{% macro months_from_days(days) -%}
    (({{ days }}) / 30.4375)
{%- endmacro %}

{#- Whole completed months from one date to another: a month is completed on the same
    day of the month (or the month's last day, when the start day is later), as age is. -#}
{% macro completed_months(start_date, end_date) -%}
    (date_diff('month', {{ start_date }}, {{ end_date }})
        - case
            when day({{ end_date }}) < day({{ start_date }})
                and {{ end_date }} != last_day({{ end_date }}) then 1
            else 0
        end)
{%- endmacro %}

{#- Time enrolled (tid i insatsen) in whole completed months (domain.md): under 3, 3-6,
    7-12, over 12; so 6.9 months is 3-6 and 12.1 months is 7-12. -#}
{% macro time_enrolled_band(start_date, end_date) -%}
    case
        when {{ start_date }} is null or {{ end_date }} is null then null
        when {{ completed_months(start_date, end_date) }} < 3 then '<3'
        when {{ completed_months(start_date, end_date) }} <= 6 then '3-6'
        when {{ completed_months(start_date, end_date) }} <= 12 then '7-12'
        else '>12'
    end
{%- endmacro %}

{#- Age band (åldersgrupp) of the reports. -#}
{% macro age_band(age) -%}
    case
        when {{ age }} is null then null
        when {{ age }} <= 24 then '-24'
        when {{ age }} <= 34 then '25-34'
        when {{ age }} <= 44 then '35-44'
        when {{ age }} <= 54 then '45-54'
        else '55-'
    end
{%- endmacro %}

{#- A code label as the code_labels seed stores it: lower case, trimmed, inner spaces
    collapsed (no-break spaces count as spaces), blank as null. The one label normaliser:
    the ingest renders this block itself (pipelines/ingest/mappings.py), so keep it plain
    Jinja without dbt calls. -#}
{% macro normalise_label(label) -%}
    nullif(lower(trim(regexp_replace({{ label }}, '[\s\x{00a0}]+', ' ', 'g'))), '')
{%- endmacro %}

{#- Cell Key Method (var disclosure): a person's record key, fixed by the pseudonym (any
    person_key), 0 to key_range - 1. -#}
{% macro record_key(person_key) -%}
    cast(md5_number({{ person_key }}) % {{ var('disclosure')['key_range'] }} as integer)
{%- endmacro %}

{#- The cell key of a count: the sum of its records' keys (any integer expression, a
    difference of running sums included) modulo key_range, so the same persons give the same
    key wherever they are counted. -#}
{% macro cell_key(key_sum) -%}
    {%- set key_range = var('disclosure')['key_range'] -%}
    cast(
        ((coalesce({{ key_sum }}, 0) % {{ key_range }}) + {{ key_range }}) % {{ key_range }}
        as integer
    )
{%- endmacro %}

{#- A share that is null rather than a division by zero. -#}
{% macro share(numerator, denominator) -%}
    case when ({{ denominator }}) > 0 then ({{ numerator }}) * 1.0 / ({{ denominator }}) end
{%- endmacro %}

{#- Text of the goal definition for rows that sum several insatser. -#}
{% macro all_insatser_goal_definition() -%}
    'Alla insatser: varje avslut räknas enligt den egna insatsens måldefinition.'
{%- endmacro %}

{#- Text of the goal definition of an insats missing from the configuration. -#}
{% macro missing_goal_definition() -%}
    'Insatsen saknas i konfigurationen: ingen måldefinition.'
{%- endmacro %}

{#- Genomströmningstid is measured over the 12 months ending with the period (domain.md):
    a shorter period (month, tertial) reads the window that ends with it; a period of 12
    months or more is its own window. -#}
{% macro throughput_window_start(period_start, period_end) -%}
    least({{ period_start }}, cast({{ period_end }} + interval 1 day - interval 12 month as date))
{%- endmacro %}

{#- Exited episodes that are not dropouts counted per days enrolled, for
    throughput_measures: the caller groups by its keys and `days_enrolled`. Counting first
    bounds a median's memory by the distinct durations of a group, not its exits (a national
    12-month window holds hundreds of thousands, and a median's values never spill). -#}
{% macro throughput_days_counted(days_enrolled, record_key) -%}
    {{ days_enrolled }} as days_enrolled,
    count(*) as exits,
    sum({{ record_key }}) as record_key_sum
{%- endmacro %}

{#- Genomströmningstid per `keys` of `counted` (rows of throughput_days_counted, a relation
    or parenthesised query): the number of exits with a known duration and its cell key
    (their record keys summed modulo key_range), and mean and median months enrolled. The
    median is read off the running count: the middle duration, or for an even count the
    mean of the two middle ones (as DuckDB's median). -#}
{% macro throughput_measures(counted, keys) -%}
    {%- set known = 'filter (where days_enrolled is not null)' -%}
    select
        {{ keys | join(', ') }},
        coalesce(cast(sum(exits) {{ known }} as bigint), 0) as throughput_exits,
        {{ cell_key('sum(record_key_sum) ' ~ known) }} as throughput_exits_cell_key,
        {{ months_from_days(
            'sum(days_enrolled * exits) ' ~ known ~ ' / sum(exits) ' ~ known
        ) }} as mean_months,
        {{ months_from_days(
            '(min(days_enrolled) filter (where exits_up_to >= (known_exits + 1) // 2)'
            ~ ' + min(days_enrolled) filter (where exits_up_to >= known_exits // 2 + 1)) / 2'
        ) }} as median_months
    from (
        select
            *,
            -- Durations ascend with nulls last, so a known one's running count is its rank.
            sum(exits) over (
                partition by {{ keys | join(', ') }} order by days_enrolled
            ) as exits_up_to,
            sum(exits) filter (where days_enrolled is not null) over (
                partition by {{ keys | join(', ') }}
            ) as known_exits
        from {{ counted }} as counted
    ) as running
    group by {{ keys | join(', ') }}
{%- endmacro %}

{#- A ledger cost counts for an insats when it is booked on the insats' configured project;
    costs on other projects (the förbund's own administration) belong to no insats, and so
    not to 'Alla insatser' either. -#}
{% macro is_insats_cost(costs) -%}
    ({{ costs }}.insats is not null)
{%- endmacro %}

{#- Kostnad per deltagare from a period's cost (the caller says what an empty period costs:
    0 for an insats, unknown for a unit), participants served and goal exits. -#}
{% macro cost_measures(cost, served, goal_exits) -%}
    cast({{ cost }} as decimal(18, 2)) as cost,
    round({{ share(cost, served) }}, 2) as cost_per_served,
    round({{ share(cost, goal_exits) }}, 2) as cost_per_goal
{%- endmacro %}

{#- The municipality (kommun) a person is counted in: that of the units of their episode;
    'Flera kommuner' when its units lie in several, 'Okänd kommun' when a unit has none. -#}
{% macro episode_municipality(municipality_names) -%}
    case
        when count(distinct {{ municipality_names }}) > 1 then 'Flera kommuner'
        else coalesce(min({{ municipality_names }}), 'Okänd kommun')
    end
{%- endmacro %}

{#- Avstämning mot SCB: persons by where they are found (status both, only_case_system or
    only_scb), and all of them, over rows of one person each; beside each count its cell key
    (Cell Key Method): the persons' record keys (macro record_key of person_key, the same
    in either source and in every mart) summed modulo key_range. -#}
{% macro reconciliation_counts(status, person_key) -%}
    {%- set statuses = {
        'both_sources': status ~ " = 'both'",
        'only_case_system': status ~ " = 'only_case_system'",
        'only_scb': status ~ " = 'only_scb'",
        'persons': 'true',
    } -%}
    {%- for count, predicate in statuses.items() %}
    count(*) filter (where {{ predicate }}) as {{ count }},
    {%- endfor %}
    {%- for count, predicate in statuses.items() %}
    {{ cell_key('sum(' ~ record_key(person_key) ~ ') filter (where ' ~ predicate ~ ')') }}
        as {{ count }}_cell_key
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The exit reasons that count as work or studies (var work_or_studies_exit_reasons), as a
    SQL list. -#}
{% macro work_or_studies_exit_reasons() -%}
    ({%- for reason in var('work_or_studies_exit_reasons') -%}
        '{{ reason }}'{{ ", " if not loop.last }}
    {%- endfor -%})
{%- endmacro %}

{#- A catalogue definition with its {placeholders} filled from the project's vars, so the
    text states the rule the figures use. -#}
{% macro filled_definition(definition) -%}
    replace(
        {{ definition }},
        '{work_or_studies_exit_reasons}',
        '{{ var("work_or_studies_exit_reasons") | join(" eller ") }}'
    )
{%- endmacro %}

{#- A period is partial (preliminär) when it ends after the latest extraction date of the
    current deliveries: its figures will still change (domain.md). -#}
{% macro is_partial_period(period_end, observed_to_date) -%}
    ({{ period_end }} > {{ observed_to_date }})
{%- endmacro %}

{#- Avstämning mot SCB for any periods: per request (request_id, insats, unit,
    period_start, period_end), a person counts once per insats, in the case system when
    enrolled at some time in the period under one of its ESF projects, at SCB when reported
    active at some time in it; a unit counts the persons seen under one of its projects.
    Each count has its cell key (macro reconciliation_counts). Used by marts.scb_reconciliation_periods and the table macro
    marts.period_scb_reconciliation(). -#}
{% macro reconciliation_in_periods(requests, intervals) -%}
    select
        persons.request_id,
        {{ reconciliation_counts('persons.status', 'persons.person_key') }}
    from (
        select
            requests.request_id,
            intervals.person_key,
            case
                when bool_or(intervals.source = 'case') and bool_or(intervals.source = 'scb')
                    then 'both'
                when bool_or(intervals.source = 'case') then 'only_case_system'
                else 'only_scb'
            end as status
        from {{ requests }} as requests
        inner join {{ intervals }} as intervals
            on
                requests.insats = intervals.insats
                and intervals.start_date <= requests.period_end
                and intervals.end_date >= requests.period_start
        group by requests.request_id, intervals.person_key, requests.unit
        having requests.unit = 'Alla enheter' or bool_or(intervals.project_unit = requests.unit)
    ) as persons
    group by persons.request_id
{%- endmacro %}

{#- The breakdowns of an episode everyone asks for, as (dimension -> value over the episode's
    columns), a missing value named as the breakdown's own "unknown": used by
    marts.outcomes and the table macro marts.period_flows_by_breakdown(). -#}
{% macro episode_breakdowns() -%}
    {%- do return({
        'gender': "coalesce(gender, 'Okänt')",
        'age_band': "coalesce(age_band, 'Okänd')",
        'referrer': "coalesce(referrer, 'Okänd')",
        'income_source_at_enrolment': "coalesce(income_source_at_enrolment, 'Uppgift saknas')",
    }) -%}
{%- endmacro %}
