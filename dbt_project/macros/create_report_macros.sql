{#- The DuckDB table macros analysts and the report command call for any dates, built
    from the same Jinja definitions as the marts (macros/figures/):

      select * from marts.period_summary('Samverkansteam Avesta', 'Alla enheter',
                                         date '2024-01-01', date '2024-06-30');
      select * from marts.budget_status('Samverkansteam Avesta', date '2024-06-30');

    period_summary returns one row: the flows of period_flows, the exit figures of
    outcomes (total) and throughput_times, and the cost figures of cost_per_participant,
    each person count with its cell key (<count>_cell_key, Cell Key Method).
    period_summary_by_gender (same arguments) returns one row per gender with the flows
    and their cell keys (null when not recorded);
    period_flows_by_breakdown (same arguments) the same flows per dimension and
    dimension_value of episode_breakdowns (kön, åldersgrupp, remitterande aktör,
    försörjning vid inskrivning; a missing value named as in marts.outcomes), the values
    of each dimension adding up to period_summary's flows;
    period_exits_by_reason (same arguments) one row per exit reason, as exits_by_reason;
    period_scb_reconciliation (same arguments) the SCB reconciliation of the period (no
    row when nobody was enrolled or reported), as scb_reconciliation_periods.
    budget_status returns one row per cost line, as budget_vs_forecast.

    The follow-up macros (same arguments; create_follow_up_macros) give "Uppföljning efter
    avslut" for the report's cohort windows: for month k after exit, the exits whose month
    k lies in the report's months, i.e. the exit months of date_from's to date_to's month
    shifted back k months (exits_from, exits_to). Each sums the follow-up mart's month rows
    of the window (follow_up_windowed) for the insats at dimension 'all', or 'unit' when a
    unit is asked for, and decides maturity over the window as the marts do
    (is_mature_cohort: every member covered); a figure of an immature window is null:
    period_follow_up_status (k = 6, 12, 24: exits, cohort, covered, self_supporting,
    self_supporting_share), period_follow_up_by_source (k = 6, 12, 24: persons per
    income source, summed over extents), period_follow_up_returns (k = 24: base and
    returns within 6, 7-12, 13-24 months), period_follow_up_payments (k = 12: per paying
    party, kronor before and after) and period_follow_up_benefit_extent (k = 6, 12).

    Names are schema-qualified without the database, so the macros keep working in the
    published copy of the work file. Skipped when the tables they read were never built. -#}
{% macro create_report_macros() %}
    {%- if execute -%}
        {%- set needed = [
            ('intermediate', 'int_flow_balances_accumulated'),
            ('intermediate', 'int_enrolment_episodes_merged'),
            ('intermediate', 'int_ledger_costs_mapped'),
            ('intermediate', 'int_insats_rules_defaulted'),
            ('intermediate', 'int_insats_observed'),
            ('intermediate', 'int_reconciliation_intervals'),
            ('staging', 'stg_raw__budget_lines'),
            ('staging', 'stg_raw__forecast_lines'),
        ] -%}
        {%- set missing = missing_relations(needed) -%}
        {%- if missing | length == 0 -%}
            {%- set period_request -%}
                (select 1 as request_id, insats_name as insats, unit_name as unit,
                    cast(date_from as date) as period_start, cast(date_to as date) as period_end)
            {%- endset -%}
            {%- set budget_request -%}
                (select insats_name as insats, cast(as_of as date) as as_of_date)
            {%- endset -%}
            create schema if not exists marts;
            create or replace macro marts.period_summary(insats_name, unit_name, date_from, date_to) as table
            {{ period_summary_rows(
                period_request,
                'intermediate.int_flow_balances_accumulated',
                'intermediate.int_enrolment_episodes_merged',
                'intermediate.int_ledger_costs_mapped',
                'intermediate.int_insats_rules_defaulted',
                'intermediate.int_insats_observed'
            ) }};
            create or replace macro marts.period_summary_by_gender(
                insats_name, unit_name, date_from, date_to
            ) as table
            select
                dimension_value as gender, active_at_start, enrolled, exited, active_at_end,
                served, active_at_start_cell_key, enrolled_cell_key, exited_cell_key,
                active_at_end_cell_key, served_cell_key
            from ({{ flows_by_breakdown(
                period_request, 'intermediate.int_enrolment_episodes_merged', {'gender': 'gender'}
            ) }})
            order by gender;
            create or replace macro marts.period_flows_by_breakdown(
                insats_name, unit_name, date_from, date_to
            ) as table
            select
                dimension, dimension_value, active_at_start, enrolled, exited, active_at_end,
                served, active_at_start_cell_key, enrolled_cell_key, exited_cell_key,
                active_at_end_cell_key, served_cell_key
            from ({{ flows_by_breakdown(
                period_request, 'intermediate.int_enrolment_episodes_merged', episode_breakdowns()
            ) }})
            order by dimension, served desc, dimension_value;
            create or replace macro marts.period_exits_by_reason(
                insats_name, unit_name, date_from, date_to
            ) as table
            select exit_reason, exits, exits_cell_key
            from ({{ exits_by_reason_figures(period_request, 'intermediate.int_enrolment_episodes_merged') }})
            order by exits desc, exit_reason;
            create or replace macro marts.period_scb_reconciliation(
                insats_name, unit_name, date_from, date_to
            ) as table
            select
                both_sources, only_case_system, only_scb, persons, both_sources_cell_key,
                only_case_system_cell_key, only_scb_cell_key, persons_cell_key
            from ({{ reconciliation_in_periods(
                period_request, 'intermediate.int_reconciliation_intervals'
            ) }});
            create or replace macro marts.budget_status(insats_name, as_of) as table
            {{ budget_status_rows(
                budget_request,
                'staging.stg_raw__budget_lines',
                'intermediate.int_ledger_costs_mapped',
                'staging.stg_raw__forecast_lines'
            ) }};
        {%- else -%}
            select 1 /* report macros not created: {{ missing | join(', ') }} not built yet */;
        {%- endif %}
        {{ create_follow_up_macros() }}
    {%- endif -%}
{% endmacro %}

{#- The tables of `needed` ((schema, identifier) pairs) not built in the target. -#}
{% macro missing_relations(needed) -%}
    {%- set missing = [] -%}
    {%- for schema, identifier in needed -%}
        {%- if adapter.get_relation(database=target.database, schema=schema, identifier=identifier) is none -%}
            {%- do missing.append(identifier) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(missing) }}
{%- endmacro %}

{#- The report's cohort windows (see create_report_macros) for the table macros' arguments:
    the insats and unit as the follow-up marts' dimension, and per k of `horizons`
    (months_after) the exit months shifted back k months. -#}
{% macro follow_up_windows(horizons) -%}
    (
        select
            insats_name as insats,
            case when unit_name = 'Alla enheter' then 'all' else 'unit' end as dimension,
            case when unit_name = 'Alla enheter' then 'Alla' else unit_name end as dimension_value,
            horizons.months_after,
            cast(
                date_trunc('month', cast(date_from as date)) - to_months(horizons.months_after)
                as date
            ) as exits_from,
            last_day(
                date_trunc('month', cast(date_to as date)) - to_months(horizons.months_after)
            ) as exits_to
        from (select unnest({{ horizons }}) as months_after) as horizons
    )
{%- endmacro %}

{#- The follow-up table macros (see create_report_macros), created on their own so a
    warehouse without the follow-up marts still gets the others. -#}
{% macro create_follow_up_macros() -%}
    {%- set missing = missing_relations([
        ('marts', 'follow_up_status'),
        ('marts', 'follow_up_status_by_source'),
        ('marts', 'follow_up_returns'),
        ('marts', 'follow_up_payments'),
        ('marts', 'follow_up_benefit_extent'),
    ]) -%}
    {%- if missing | length == 0 -%}
        create or replace macro marts.period_follow_up_status(
            insats_name, unit_name, date_from, date_to
        ) as table
        with windows as (
            {{ follow_up_windowed(
                follow_up_windows([6, 12, 24]),
                'marts.follow_up_status',
                matches=['months_after'],
                counts=['exits', 'cohort', 'covered', 'self_supporting'],
            ) }}
        ),

        matured as (
            select
                *,
                {{ is_mature_cohort('covered', 'cohort') }} as is_mature
            from windows
        )

        select
            months_after, exits_from, exits_to, is_mature,
            exits, exits_cell_key, cohort, cohort_cell_key, covered, covered_cell_key,
            {{ count_when_mature('self_supporting', 'is_mature') }},
            case when is_mature then {{ share('self_supporting', 'cohort') }} end
                as self_supporting_share
        from matured
        order by months_after;
        create or replace macro marts.period_follow_up_by_source(
            insats_name, unit_name, date_from, date_to
        ) as table
        with windows as (
            {{ follow_up_windowed(
                follow_up_windows([6, 12, 24]),
                'marts.follow_up_status_by_source',
                matches=['months_after'],
                groups=['income_source'],
                counts=['persons'],
            ) }}
        ),

        status as (
            select months_after, is_mature
            from marts.period_follow_up_status(insats_name, unit_name, date_from, date_to)
        )

        select
            windows.months_after,
            windows.income_source,
            status.is_mature,
            {{ count_when_mature('persons', 'status.is_mature', 'windows.') }}
        from windows
        inner join status on windows.months_after = status.months_after
        where windows.income_source is not null
        order by windows.months_after, windows.income_source = 'Självförsörjande' desc,
            windows.persons desc, windows.income_source;
        create or replace macro marts.period_follow_up_returns(
            insats_name, unit_name, date_from, date_to
        ) as table
        with windows as (
            {{ follow_up_windowed(
                follow_up_windows([24]),
                'marts.follow_up_returns',
                counts=[
                    'base', 'within_6', 'months_7_12', 'months_13_24',
                    'covered_through_6', 'covered_through_12', 'covered_through_24',
                ],
            ) }}
        ),

        matured as (
            select
                *,
                {%- for k in [6, 12, 24] %}
                {{ is_mature_cohort('covered_through_' ~ k, 'base') }} as is_mature_{{ k }}
                {{- "," if not loop.last }}
                {%- endfor %}
            from windows
        )

        select
            months_after, exits_from, exits_to, is_mature_6, is_mature_12, is_mature_24,
            base, base_cell_key,
            {{ count_when_mature('within_6', 'is_mature_6') }},
            {{ count_when_mature('months_7_12', 'is_mature_12') }},
            {{ count_when_mature('months_13_24', 'is_mature_24') }}
        from matured;
        create or replace macro marts.period_follow_up_payments(
            insats_name, unit_name, date_from, date_to
        ) as table
        with parties as (
            select distinct party from marts.follow_up_payments
        ),

        requests as (
            select windows.*, parties.party
            from {{ follow_up_windows([12]) }} as windows
            cross join parties
        ),

        windows as (
            {{ follow_up_windowed(
                'requests',
                'marts.follow_up_payments',
                matches=['party'],
                counts=['participants', 'covered_participants'],
                sums=['before_total', 'after_total'],
            ) }}
        ),

        matured as (
            select
                *,
                {{ is_mature_cohort('covered_participants', 'participants') }} as is_mature
            from windows
        )

        select
            months_after, exits_from, exits_to, party, is_mature,
            participants, participants_cell_key,
            {{ payment_kronor('before_total', 'after_total', 'participants', 'is_mature') }}
        from matured
        order by party = 'Alla parter', party;
        create or replace macro marts.period_follow_up_benefit_extent(
            insats_name, unit_name, date_from, date_to
        ) as table
        with windows as (
            {{ follow_up_windowed(
                follow_up_windows([6, 12]),
                'marts.follow_up_benefit_extent',
                matches=['months_after'],
                counts=['base', 'covered', 'ended', 'lowered', 'unchanged'],
            ) }}
        ),

        matured as (
            select
                *,
                {{ is_mature_cohort('covered', 'base') }} as is_mature
            from windows
        )

        select
            months_after, exits_from, exits_to, is_mature,
            base, base_cell_key, covered, covered_cell_key,
            {{ count_when_mature('ended', 'is_mature') }},
            {{ count_when_mature('lowered', 'is_mature') }},
            {{ count_when_mature('unchanged', 'is_mature') }}
        from matured
        order by months_after
    {%- else -%}
        select 1 /* follow-up report macros not created: {{ missing | join(', ') }} not built yet */
    {%- endif -%}
{%- endmacro %}
