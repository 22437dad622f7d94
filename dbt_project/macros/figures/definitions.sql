{#- Small shared definitions of domain.md, so every model and report macro agrees. -#}

{#- Months from days: days / 30.4375 (the average month of the Gregorian year). -#}
{% macro months_from_days(days) -%}
    (({{ days }}) / 30.4375)
{%- endmacro %}

{#- Time enrolled (tid i insatsen): under 3, 3-6, 7-12, over 12 months. -#}
{% macro time_enrolled_band(months) -%}
    case
        when {{ months }} is null then null
        when {{ months }} < 3 then '<3'
        when {{ months }} < 7 then '3-6'
        when {{ months }} <= 12 then '7-12'
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
    collapsed (no-break spaces count as spaces). -#}
{% macro normalise_label(label) -%}
    nullif(lower(trim(regexp_replace({{ label }}, '[\s\x{00a0}]+', ' ', 'g'))), '')
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
