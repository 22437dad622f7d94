{#- The DuckDB table macros analysts and the report command call for any dates, built
    from the same Jinja definitions as the marts (macros/figures/):

      select * from marts.period_summary('Samverkansteam Avesta', 'Alla enheter',
                                         date '2024-01-01', date '2024-06-30');
      select * from marts.budget_status('Samverkansteam Avesta', date '2024-06-30');

    period_summary returns one row: the flows of period_flows, the exit figures of
    outcomes (total) and throughput_times, and the cost figures of cost_per_participant,
    each person count with its cell key (<count>_cell_key, Cell Key Method).
    period_summary_by_gender (same arguments) returns one row per gender with the flows
    and their cell keys;
    period_exits_by_reason (same arguments) one row per exit reason, as exits_by_reason;
    period_scb_reconciliation (same arguments) the SCB reconciliation of the period (no
    row when nobody was enrolled or reported), as scb_reconciliation_periods.
    budget_status returns one row per cost line, as budget_vs_forecast. Names are
    schema-qualified without the database, so the macros keep working in the published
    copy of the work file. Skipped when the tables they read were never built. -#}
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
        {%- set missing = [] -%}
        {%- for schema, identifier in needed -%}
            {%- if adapter.get_relation(database=target.database, schema=schema, identifier=identifier) is none -%}
                {%- do missing.append(identifier) -%}
            {%- endif -%}
        {%- endfor -%}
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
                gender, active_at_start, enrolled, exited, active_at_end, served,
                active_at_start_cell_key, enrolled_cell_key, exited_cell_key,
                active_at_end_cell_key, served_cell_key
            from ({{ flows_by_gender(period_request, 'intermediate.int_enrolment_episodes_merged') }})
            order by gender;
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
            select 1 -- report macros not created: {{ missing | join(', ') }} not built yet
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
