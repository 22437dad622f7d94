{#- Persons in only one of case system and SCB report, per ESF project
    (marts.scb_reconciliation). One row per project and candidate finding: each case of
    each enrolment of a person only in the case system (a case id is unique only within
    its organisation's case system, so the finding is keyed by enrolment and case), and
    one row per project counting the persons only in the SCB report (they have no case to
    point at; no problem when there are none); every row carries its project's
    difference_share. The tolerance comes from the installation's configuration
    (quality.scb_reconciliation_tolerance), so the quality asset applies it: findings are the rows of projects over it. -#}

with

reconciliation as (
    select * from {{ ref('scb_reconciliation') }}
),

enrolments as (
    select * from {{ ref('enrolments') }}
),

quality_run as (
    select * from {{ ref('quality_run') }}
),

projects as (
    select
        esf_project,
        any_value(insats) as insats,
        count(*) filter (where status = 'only_case_system') as only_case_system,
        count(*) filter (where status = 'only_scb') as only_scb,
        count(*) filter (where status <> 'both') / count(*) as difference_share
    from reconciliation
    group by esf_project
),

missing_in_scb as (
    select distinct
        reconciliation.esf_project,
        enrolments.enrolment_id,
        enrolments.insats,
        enrolments.unit,
        enrolments.caseworker,
        unnest(enrolments.case_ids) as case_id,
        'Finns i ärendesystemet men inte i SCB-rapporten för ESF-projekt '
        || reconciliation.esf_project as problem
    from reconciliation
    inner join enrolments
        on
            reconciliation.person_key = enrolments.person_key
            and reconciliation.insats = enrolments.insats
    where reconciliation.status = 'only_case_system'
),

candidates as (
    select
        missing_in_scb.esf_project,
        missing_in_scb.enrolment_id,
        missing_in_scb.insats,
        missing_in_scb.unit,
        missing_in_scb.caseworker,
        missing_in_scb.case_id,
        missing_in_scb.problem
    from missing_in_scb
    union all
    -- one row per project, so GX sees every project: it counts the persons only in the
    -- SCB report (they have no case to point at), or has no problem when there are none
    select
        projects.esf_project,
        null as enrolment_id,
        projects.insats,
        null as unit,
        null as caseworker,
        null as case_id,
        case
            when projects.only_scb > 0
                then
                    projects.only_scb || ' personer i SCB-rapporten för ESF-projekt '
                    || projects.esf_project || ' saknas i ärendesystemet'
        end as problem
    from projects
),

final as (
    select
        md5(
            candidates.esf_project || '|' || coalesce(candidates.enrolment_id, '')
            || '|' || coalesce(candidates.case_id, '')
            || '|' || coalesce(candidates.problem, '')
        ) as finding_id,
        'scb_difference_share' as expectation,
        'scb_difference_share' as "check",
        candidates.esf_project,
        projects.difference_share,
        null as organisation,
        candidates.insats,
        candidates.unit,
        candidates.caseworker,
        candidates.case_id,
        'esf_project' as field,
        candidates.problem,
        quality_run.as_of as since_date,
        0 as days_open,
        2 as priority
    from candidates
    inner join projects on candidates.esf_project = projects.esf_project
    cross join quality_run
)

select * from final
