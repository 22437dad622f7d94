{#- Fails on every row where the expression is false: arithmetic invariants such as the
    flow identity (dbt_utils cannot be installed here: no packages, no network). -#}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}
