{#- Kontroll av publicerade nyckeltal: each figure an insats published by hand
    (raw.stated_figures) against the same figure computed for the same insats, unit and
    dates with the definitions of marts.period_summary(). difference = stated - computed.
    A figure is consistent when the difference is within rounding of its unit in the figure
    catalogue: half a percentage point for a share, 0.05 months, 0.5 otherwise (counts,
    kronor). The ESF figures count persons of marts.esf_participants whose reported
    participation overlaps the dates (a unit counts its own persons, not those at 'Flera
    enheter'). An unknown figure
    name gets no computed value and is flagged inconsistent. The supported names are
    listed in _marts__models.yml. -#}

with

stated as (
    select * from {{ ref('stg_raw__stated_figures') }}
),

balances as (
    select * from {{ ref('int_flow_balances_accumulated') }}
),

episodes as (
    select * from {{ ref('int_enrolment_episodes_merged') }}
),

costs as (
    select * from {{ ref('int_ledger_costs_mapped') }}
),

insats_config as (
    select * from {{ ref('int_insats_rules_defaulted') }}
),

observed as (
    select * from {{ ref('int_insats_observed') }}
),

esf as (
    select * from {{ ref('esf_participants') }}
),

figure_units as (
    select
        figure_id,
        unit
    from {{ ref('figure_definitions') }}
),

requests as (
    select
        row_number() over (order by insats, unit, figure, period_from, period_to)
            as request_id,
        insats,
        coalesce(unit, 'Alla enheter') as unit,
        period_from as period_start,
        period_to as period_end,
        figure,
        stated_value,
        source
    from stated
),

summaries as (
    {{ period_summary_rows(
        'requests', 'balances', 'episodes', 'costs', 'insats_config', 'observed'
    ) }}
),

esf_figures as (
    select
        requests.request_id,
        count(distinct esf.person_key) as esf_participants,
        count(distinct esf.person_key) filter (where esf.months_enrolled >= 3)
            as esf_cohort_over_3_months
    from requests
    inner join esf
        on
            {{ in_requested_group('requests', 'esf') }}
            and requests.period_end >= esf.start_date
            and requests.period_start <= coalesce(esf.end_date, requests.period_end)
    group by requests.request_id
),

computed as (
    select
        requests.*,
        case requests.figure
            when 'active_at_start' then summaries.active_at_start
            when 'enrolled' then summaries.enrolled
            when 'exited' then summaries.exited
            when 'exits' then summaries.exits
            when 'dropouts' then summaries.dropouts
            when 'active_at_end' then summaries.active_at_end
            when 'served' then summaries.served
            when 'participants' then summaries.served
            when 'queue_at_end' then summaries.queue_at_end
            when 'average_enrolled' then summaries.average_enrolled
            when 'exits_excluding_dropouts' then summaries.exits_excluding_dropouts
            when 'goal_share_base' then summaries.goal_share_base
            when 'goal_exits' then summaries.goal_exits
            when 'work_or_studies_exits' then summaries.work_or_studies_exits
            when 'goal_share' then summaries.goal_share
            when 'work_or_studies_share' then summaries.work_or_studies_share
            when 'mean_months' then summaries.mean_months
            when 'median_months' then summaries.median_months
            when 'cost' then summaries.cost
            when 'cost_per_participant' then summaries.cost_per_served
            when 'cost_per_served' then summaries.cost_per_served
            when 'cost_per_goal' then summaries.cost_per_goal
            when 'esf_participants' then coalesce(esf_figures.esf_participants, 0)
            when 'esf_cohort_over_3_months' then coalesce(esf_figures.esf_cohort_over_3_months, 0)
        end as computed_value,
        case figure_units.unit
            when 'andel' then 0.005
            when 'månader' then 0.05
            else 0.5
        end as tolerance
    from requests
    left join summaries
        on requests.request_id = summaries.request_id
    left join esf_figures
        on requests.request_id = esf_figures.request_id
    left join figure_units
        on requests.figure = figure_units.figure_id
),

final as (
    select
        insats,
        unit,
        figure,
        period_start as period_from,
        period_end as period_to,
        stated_value,
        cast(computed_value as double) as computed_value,
        stated_value - computed_value as difference,
        coalesce(abs(stated_value - computed_value) <= tolerance, false) as is_consistent,
        source
    from computed
)

select * from final
