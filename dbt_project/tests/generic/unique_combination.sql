{#- Fails on every combination of the columns that occurs more than once: the primary key
    of a model keyed by several columns. -#}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
