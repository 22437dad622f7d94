-- The floor: the pipeline's ingest and main marts as one plain DuckDB script, no
-- orchestration, no checks, no publish. A benchmark compares the pipeline's time with it.
--
-- Inputs (DuckDB variables set by pipelines/bench/floor.py):
--   <kind>_utf8, <kind>_latin1 for kinds gwa, esf, ledger, population: file lists by
--     encoding (UTF-8 with BOM; else Windows-1252, read as latin-1);
--   all_files: every delivered file; code_labels: the dbt seed of the same name;
--   ipad, opad: the HMAC pads of the pseudonym key (as ingest computes them);
--   insats_rules: list of {insats, goal_reasons, dropout_reasons, trial_days};
--   unit_municipalities: list of {unit, municipality_code, municipality_name}.
-- Kind B Excel registers and the xlsx budgets and forecasts are left out: DuckDB here has
-- no Excel reader, so the floor does slightly less work than the pipeline.

-- stage: ingest
create schema if not exists raw;

create or replace macro hmac_hex(message) as
    sha256(getvariable('opad') || unhex(sha256(getvariable('ipad') || message::blob)));

create or replace macro parse_date(text) as
    coalesce(
        try_strptime(trim(text), '%Y-%m-%d'),
        try_strptime(trim(text), '%Y%m%d'),
        try_strptime(trim(text), '%y%m%d')
    )::date;

create or replace macro parse_number(text) as
    try_cast(replace(regexp_replace(trim(text), '[\s\xa0]', '', 'g'), ',', '.') as double);

-- Personnummer in any accepted form -> 12 digits, or null when invalid (bad form, wrong
-- check digit, impossible date, born after the reference date).
create or replace macro personnummer_parts(text) as
    regexp_extract(
        trim(text),
        '^(\d{2})?(\d{6})([-+]?)(\d{3})(\d)$',
        ['century', 'yymmdd', 'separator', 'serial', 'check']
    );

create or replace macro luhn_digit(nine) as
    (10 - list_sum(list_transform(range(9), lambda position: (
        substr(nine, position + 1, 1)::integer * (2 - position % 2)) // 10
        + (substr(nine, position + 1, 1)::integer * (2 - position % 2)) % 10
    )) % 10) % 10;

create or replace macro birth_year_of(parts, reference_date) as
    case
        when parts.century <> '' then (parts.century || substr(parts.yymmdd, 1, 2))::integer
        -- The century that makes the person 0-99 years old (100-199 with '+').
        else year(reference_date)
            - (year(reference_date) - substr(parts.yymmdd, 1, 2)::integer) % 100
            - case when parts.separator = '+' then 100 else 0 end
    end;

create or replace macro twelve_digits(parts, reference_date) as
    case
        when parts.yymmdd = '' then null
        when parts.century <> '' and parts.separator = '+' then null
        when parts.century = '' and parts.separator = '' then null
        when luhn_digit(parts.yymmdd || parts.serial)::varchar <> parts.check then null
        when try_cast(
            lpad(birth_year_of(parts, reference_date)::varchar, 4, '0') || '-'
            || substr(parts.yymmdd, 3, 2) || '-'
            || lpad((substr(parts.yymmdd, 5, 2)::integer % 60)::varchar, 2, '0') as date
        ) is null then null
        else lpad(birth_year_of(parts, reference_date)::varchar, 4, '0')
            || substr(parts.yymmdd, 3) || parts.serial || parts.check
    end;

-- A kind's delivered files as text, headings matched case- and space-insensitively
-- (normalize_names), each file's name kept.
create or replace macro delivered_files(latin1_files, utf8_files, delimiter) as table
    select * from read_csv(
        latin1_files, delim = delimiter, header = true, all_varchar = true,
        encoding = 'latin-1', normalize_names = true, union_by_name = true, filename = true
    )
    union all by name
    select * from read_csv(
        utf8_files, delim = delimiter, header = true, all_varchar = true,
        normalize_names = true, union_by_name = true, filename = true
    );

create or replace table raw.file_registry as
select
    sha256(content) as file_id,
    parse_filename(filename) as file_name,
    regexp_extract(parse_filename(filename), '^([a-z]+)_', 1) as source_kind,
    lower(regexp_extract(parse_filename(filename), '^[a-z]+_(.+)_\d{8}\.\w+$', 1))
        as organisation,
    try_strptime(regexp_extract(parse_filename(filename), '_(\d{8})\.\w+$', 1), '%Y%m%d')::date
        as extraction_date,
    size as bytes
from read_blob(getvariable('all_files'))
-- The same bytes delivered twice are one delivery.
qualify row_number() over (partition by sha256(content) order by filename) = 1;

create or replace table raw.case_enrolments as
with delivered as (
    select
        *,
        row_number() over (partition by filename) as row_number,
        parse_filename(filename) as source_file,
        personnummer_parts(personnummer) as personnummer_parts
    from delivered_files(getvariable('gwa_latin1'), getvariable('gwa_utf8'), ';')
    where filename is not null
),

typed as (
    select
        files.file_id,
        delivered.source_file,
        delivered.row_number,
        files.organisation,
        files.extraction_date,
        'gwa' as source_kind,
        delivered.arendeid as case_id,
        upper(trim(delivered.skyddad_identitet)) = 'J' as is_protected_identity,
        case when upper(trim(delivered.skyddad_identitet)) <> 'J'
            then twelve_digits(delivered.personnummer_parts, files.extraction_date) end
            as personnummer_12,
        delivered.insats,
        delivered.enhet as unit,
        delivered.handlaggare as caseworker,
        delivered.remitterande_aktor as referrer,
        parse_date(delivered.remissdatum) as referral_date,
        parse_date(delivered.inskrivningsdatum) as enrolment_date,
        parse_date(delivered.avslutsdatum) as exit_date,
        delivered.avslutsorsak as exit_reason,
        delivered.forsorjning_vid_inskrivning as income_source_at_enrolment,
        try_cast(delivered.omfattning_forsorjning_vid_inskrivning as integer)
            as income_extent_at_enrolment,
        delivered.forsorjning_vid_avslut as income_source_at_exit,
        delivered.sysselsattning_vid_avslut as occupation_at_exit,
        try_cast(delivered.omfattning_sysselsattning_vid_avslut as integer)
            as occupation_extent_at_exit,
        parse_date(delivered.kartlaggningsdatum) as assessment_date,
        delivered.utbildningsniva as education_level,
        delivered.fodelseregion as birth_region,
        delivered.arbetslivserfarenhet as work_experience,
        try_cast(delivered.ar_i_offentlig_forsorjning as integer) as years_on_public_support,
        delivered.fysisk_ohalsa as physical_health,
        delivered.psykisk_ohalsa as mental_health,
        delivered.behov_av_sprakstod as language_support_need,
        delivered.arbetsformaga as work_capacity,
        parse_number(delivered.narvarotimmar) as attended_hours,
        delivered.personnummer is not null
            and upper(trim(delivered.skyddad_identitet)) <> 'J' as has_personnummer
    from delivered
    inner join raw.file_registry as files on files.file_name = delivered.source_file
)

select
    * exclude (personnummer_12),
    hmac_hex(personnummer_12) as person_id,
    substr(personnummer_12, 7, 1)::integer >= 6 as is_coordination_number,
    substr(personnummer_12, 1, 4)::integer as birth_year,
    case when substr(personnummer_12, 11, 1)::integer % 2 = 1 then 'M' else 'K' end as gender,
    date_diff(
        'year',
        make_date(
            substr(personnummer_12, 1, 4)::integer,
            substr(personnummer_12, 5, 2)::integer,
            substr(personnummer_12, 7, 2)::integer % 60
        ),
        coalesce(enrolment_date, referral_date)
    ) as age_at_enrolment
from typed;

create or replace table raw.esf_participants as
with delivered as (
    select * from delivered_files(getvariable('esf_latin1'), getvariable('esf_utf8'), ';')
),

typed as (
    select
        files.file_id,
        files.file_name as source_file,
        row_number() over (partition by delivered.filename) as row_number,
        files.organisation,
        files.extraction_date,
        delivered.projektnummer as project_number,
        twelve_digits(personnummer_parts(delivered.personnummer), files.extraction_date)
            as personnummer_12,
        case trim(delivered.kon) when '1' then 'M' when '2' then 'K' end as gender,
        parse_date(delivered.startdatum) as start_date,
        parse_date(delivered.slutdatum) as end_date,
        try_cast(delivered.status_start as integer) as status_start,
        try_cast(delivered.utbildning as integer) as education,
        try_cast(delivered.avslutningsorsak as integer) as exit_reason,
        try_cast(delivered.avslutningsorsak2 as integer) as exit_reason_2,
        parse_number(delivered.deltagartimmar) as attended_hours
    from delivered
    inner join raw.file_registry as files on files.file_name = parse_filename(delivered.filename)
    where delivered.filename is not null
)

select
    * exclude (personnummer_12),
    hmac_hex(personnummer_12) as person_id,
    personnummer_12 is null as is_protected_identity,
    substr(personnummer_12, 1, 4)::integer as birth_year,
    date_diff(
        'year',
        make_date(
            substr(personnummer_12, 1, 4)::integer,
            substr(personnummer_12, 5, 2)::integer,
            substr(personnummer_12, 7, 2)::integer % 60
        ),
        start_date
    ) as age_at_start
from typed;

create or replace table raw.ledger_transactions as
with delivered as (
    select *
    from delivered_files(getvariable('ledger_latin1'), getvariable('ledger_utf8'), ';')
)

select
    files.file_id,
    files.file_name as source_file,
    row_number() over (partition by delivered.filename) as row_number,
    files.organisation,
    files.extraction_date,
    delivered.verifikation as voucher,
    parse_date(delivered.bokforingsdatum) as booking_date,
    trim(delivered.konto) as account,
    delivered.ansvar as responsibility,
    delivered.projekt as project,
    parse_number(delivered.belopp)::decimal(18, 2) as amount,
    regexp_replace(
        delivered._text, '(\d{2})?\d{6}\s?[-+]?\s?\d{4}', '[personnummer borttaget]', 'g'
    ) as text
from delivered
inner join raw.file_registry as files on files.file_name = parse_filename(delivered.filename)
where delivered.filename is not null;

create or replace table raw.population as
with delivered as (
    select *
    from delivered_files(getvariable('population_latin1'), getvariable('population_utf8'), ',')
),

long as (
    unpivot delivered
    on columns(* exclude (region, alder, kon, filename))
    into name year value population
)

select
    files.file_id,
    files.file_name as source_file,
    files.extraction_date,
    split_part(long.region, ' ', 1) as region_code,
    trim(substr(long.region, length(split_part(long.region, ' ', 1)) + 1)) as region_name,
    long.alder as age_band,
    try_cast(regexp_extract(long.alder, '^(\d+)', 1) as integer) as age_from,
    try_cast(regexp_extract(long.alder, '-(\d+)', 1) as integer) as age_to,
    case when long.kon like 'kv%' then 'K' else 'M' end as gender,
    try_cast(regexp_extract(long.year, '(\d{4})', 1) as integer) as year,
    try_cast(long.population as integer) as population
from long
inner join raw.file_registry as files on files.file_name = parse_filename(long.filename);

create or replace table raw.rejects as
select file_id, source_file, 'gwa' as source_kind, row_number, 'personnummer' as field,
    'ogiltigt personnummer' as reason, case_id
from raw.case_enrolments
where has_personnummer and person_id is null
union all
select file_id, source_file, 'gwa', row_number, 'referral_date', 'ogiltigt datum', case_id
from raw.case_enrolments
where referral_date is null;

create or replace table raw.file_currency as
select
    file_id,
    extraction_date = max(extraction_date) over (partition by source_kind, organisation)
        as is_current
from raw.file_registry;

-- stage: marts
create schema if not exists marts;

create or replace macro normalised_label(text) as
    lower(regexp_replace(trim(text), '\s+', ' ', 'g'));

create or replace table marts.code_labels as
select code_list, normalised_label(label) as label, code
from read_csv(getvariable('code_labels'), header = true, all_varchar = true);

create or replace table marts.enrolments as
with current_rows as (
    select rows.*
    from raw.case_enrolments as rows
    inner join raw.file_currency as currency using (file_id)
    where currency.is_current
),

mapped as (
    select
        current_rows.* replace (
            coalesce(reason.code, current_rows.exit_reason) as exit_reason,
            coalesce(referrer.code, current_rows.referrer) as referrer,
            coalesce(income.code, current_rows.income_source_at_enrolment)
                as income_source_at_enrolment,
            coalesce(income_exit.code, current_rows.income_source_at_exit)
                as income_source_at_exit
        ),
        coalesce(person_id, file_id || ':' || case_id) as person_key
    from current_rows
    left join marts.code_labels as reason
        on reason.code_list = 'avslutsorsak'
        and reason.label = normalised_label(current_rows.exit_reason)
    left join marts.code_labels as referrer
        on referrer.code_list = 'remittent'
        and referrer.label = normalised_label(current_rows.referrer)
    left join marts.code_labels as income
        on income.code_list = 'forsorjning'
        and income.label = normalised_label(current_rows.income_source_at_enrolment)
    left join marts.code_labels as income_exit
        on income_exit.code_list = 'forsorjning'
        and income_exit.label = normalised_label(current_rows.income_source_at_exit)
),

counted as (
    select *
    from mapped
    where coalesce(exit_reason, '') <> 'Felregistrering'
        and not coalesce(exit_date < enrolment_date, false)
),

islands as (
    select
        *,
        max(coalesce(exit_date, date '9999-12-31')) over (
            partition by person_key, insats
            order by enrolment_date, coalesce(exit_date, date '9999-12-31')
            rows between unbounded preceding and 1 preceding
        ) as previous_exit_date
    from counted
    where enrolment_date is not null
),

numbered as (
    select
        *,
        person_key || '|' || insats || '|' || sum(
            case when previous_exit_date is null or enrolment_date > previous_exit_date
                then 1 else 0 end
        ) over (
            partition by person_key, insats
            order by enrolment_date, coalesce(exit_date, date '9999-12-31')
            rows unbounded preceding
        ) as episode_key
    from islands
    union all by name
    select *, file_id || ':' || case_id as episode_key
    from counted
    where enrolment_date is null
),

episodes as (
    select
        episode_key as enrolment_id,
        any_value(person_key) as person_key,
        bool_or(is_protected_identity) as is_protected_identity,
        any_value(insats) as insats,
        case when count(distinct unit) > 1 then 'Flera enheter' else min(unit) end as unit,
        arg_min(referrer, coalesce(referral_date, enrolment_date)) as referrer,
        min(referral_date) as referral_date,
        min(enrolment_date) as enrolment_date,
        case when bool_or(exit_date is null) then null else max(exit_date) end as exit_date,
        arg_max(exit_reason, exit_date) as exit_reason,
        arg_min(gender, coalesce(enrolment_date, referral_date)) as gender,
        arg_min(age_at_enrolment, coalesce(enrolment_date, referral_date)) as age_at_enrolment,
        arg_min(income_source_at_enrolment, coalesce(enrolment_date, referral_date))
            as income_source_at_enrolment,
        arg_max(income_source_at_exit, exit_date) as income_source_at_exit,
        arg_max(occupation_at_exit, exit_date) as occupation_at_exit,
        min(assessment_date) as assessment_date,
        list(case_id order by coalesce(enrolment_date, referral_date), case_id) as case_ids,
        arg_max(caseworker, coalesce(enrolment_date, referral_date)) as caseworker,
        max(extraction_date) as observed_to_date
    from numbered
    group by episode_key
),

rules as (
    select unnest(getvariable('insats_rules'), recursive := true)
),

units as (
    select unnest(getvariable('unit_municipalities'), recursive := true)
),

classified as (
    select
        episodes.* exclude (observed_to_date),
        units.municipality_code,
        units.municipality_name,
        case
            when episodes.enrolment_date is null then 'kö'
            when episodes.exit_date is null then 'aktiv'
            else 'avslutad'
        end as status,
        episodes.exit_date is not null and (
            coalesce(list_contains(rules.dropout_reasons, episodes.exit_reason), false)
            or (rules.trial_days > 0
                and episodes.exit_date - episodes.enrolment_date <= rules.trial_days)
        ) as is_dropout,
        episodes.exit_date is not null
            and coalesce(list_contains(rules.goal_reasons, episodes.exit_reason), false)
            as is_goal,
        episodes.exit_date is not null
            and coalesce(episodes.exit_reason in ('Arbete', 'Studier'), false)
            as is_work_or_studies,
        coalesce(episodes.exit_date, max(episodes.observed_to_date) over ())
            - episodes.enrolment_date as days_enrolled
    from episodes
    left join rules on rules.insats = episodes.insats
    left join units on units.unit = episodes.unit
)

select
    *,
    days_enrolled / 30.4375 as months_enrolled,
    case
        when days_enrolled is null then null
        when days_enrolled / 30.4375 < 3 then '<3'
        when days_enrolled / 30.4375 <= 6 then '3-6'
        when days_enrolled / 30.4375 <= 12 then '7-12'
        else '>12'
    end as time_enrolled_band,
    case
        when age_at_enrolment is null then null
        when age_at_enrolment <= 24 then '-24'
        when age_at_enrolment <= 34 then '25-34'
        when age_at_enrolment <= 44 then '35-44'
        when age_at_enrolment <= 54 then '45-54'
        else '55-'
    end as age_band
from classified;

create or replace table marts.periods as
with bounds as (
    select
        date_trunc('year', min(least(referral_date, enrolment_date))) - interval 6 month
            as first_month,
        date_trunc('month', (select max(extraction_date) from raw.case_enrolments))
            as last_month
    from marts.enrolments
),

months as (
    select month_start::date as month_start
    from bounds, generate_series(first_month, last_month, interval 1 month) as series (month_start)
)

select 'month' as period_type, strftime(month_start, '%Y-%m') as period_label,
    month_start as period_start,
    (month_start + interval 1 month - interval 1 day)::date as period_end
from months
union all
select 'tertial', strftime(month_start, '%Y') || ' T' || ((month(month_start) + 3) // 4)::varchar,
    month_start, (month_start + interval 4 month - interval 1 day)::date
from months where month(month_start) in (1, 5, 9)
union all
select 'calendar_year', strftime(month_start, '%Y'),
    month_start, (month_start + interval 12 month - interval 1 day)::date
from months where month(month_start) = 1
union all
select 'july_june',
    strftime(month_start, '%Y') || '/' || strftime(month_start + interval 12 month, '%y'),
    month_start, (month_start + interval 12 month - interval 1 day)::date
from months where month(month_start) = 7
union all
select 'rolling_12m', '12 mån t.o.m. ' || strftime(month_start, '%Y-%m'),
    (month_start - interval 11 month)::date, (month_start + interval 1 month - interval 1 day)::date
from months;

create or replace table marts.period_flows as
with overlapping as (
    select enrolments.*, periods.*
    from marts.enrolments as enrolments
    inner join marts.periods as periods
        on coalesce(enrolments.referral_date, enrolments.enrolment_date) <= periods.period_end
        and coalesce(enrolments.exit_date, date '9999-12-31') >= periods.period_start
),

figures as (
    select
        coalesce(insats, 'Alla insatser') as insats,
        coalesce(unit, 'Alla enheter') as unit,
        period_type,
        period_label,
        period_start,
        period_end,
        count(*) filter (enrolment_date < period_start) as active_at_start,
        count(*) filter (enrolment_date between period_start and period_end) as enrolled,
        count(*) filter (exit_date between period_start and period_end) as exited,
        count(*) filter (exit_date between period_start and period_end and is_dropout)
            as dropouts,
        count(*) filter (
            enrolment_date <= period_end and coalesce(exit_date > period_end, true)
        ) as active_at_end,
        count(*) filter (enrolment_date is null or enrolment_date > period_end) as queue_at_end,
        sum(
            least(coalesce(exit_date, period_end), period_end)
            - greatest(enrolment_date, period_start) + 1
        ) filter (enrolment_date <= period_end) / (period_end - period_start + 1)
            as average_enrolled
    from overlapping
    group by grouping sets (
        (insats, unit, period_type, period_label, period_start, period_end),
        (insats, period_type, period_label, period_start, period_end),
        (period_type, period_label, period_start, period_end)
    )
)

select *, active_at_start + enrolled as served
from figures;

create or replace table marts.outcomes as
with exits as (
    select enrolments.*, periods.*
    from marts.enrolments as enrolments
    inner join marts.periods as periods
        on enrolments.exit_date between periods.period_start and periods.period_end
),

breakdowns as (
    select
        * exclude (breakdown),
        breakdown.dimension,
        breakdown.dimension_value
    from (
        select
            *,
            unnest([
                {'dimension': 'total', 'dimension_value': null::varchar},
                {'dimension': 'gender', 'dimension_value': gender},
                {'dimension': 'age_band', 'dimension_value': age_band},
                {'dimension': 'referrer', 'dimension_value': referrer},
                {'dimension': 'income_source_at_enrolment',
                    'dimension_value': income_source_at_enrolment},
                {'dimension': 'time_enrolled_band', 'dimension_value': time_enrolled_band},
                {'dimension': 'municipality_name', 'dimension_value': municipality_name},
                {'dimension': 'unit', 'dimension_value': unit}
            ]) as breakdown
        from exits
    )
),

figures as (
    select
        coalesce(insats, 'Alla insatser') as insats,
        coalesce(unit, 'Alla enheter') as unit,
        period_type,
        period_label,
        dimension,
        dimension_value,
        count(*) as exits,
        count(*) filter (is_dropout) as dropouts,
        count(*) filter (not is_dropout) as exits_excluding_dropouts,
        count(*) filter (is_goal and not is_dropout) as goal_exits,
        count(*) filter (is_work_or_studies) as work_or_studies_exits
    from breakdowns
    group by grouping sets (
        (insats, unit, period_type, period_label, dimension, dimension_value),
        (insats, period_type, period_label, dimension, dimension_value),
        (period_type, period_label, dimension, dimension_value)
    )
)

select
    *,
    goal_exits / nullif(exits_excluding_dropouts, 0) as goal_share,
    work_or_studies_exits / nullif(exits, 0) as work_or_studies_share
from figures;

checkpoint;
