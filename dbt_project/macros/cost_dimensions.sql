{#-
    The dimensions of cost_by_dimension_daily: {dimension_name: column of fct_ai_usage_hourly}.
    The single place to extend: add a pair here (or override var cost_dimensions) and the mart, its
    tests and the reconciliation test follow. Order is the order of the union, not significant.
-#}
{% macro cost_dimensions() %}
    {%- set dimensions = var('cost_dimensions', none) or {
        'provider': 'provider_name',
        'model': 'request_model',
        'agent': 'agent_name',
        'organization': 'organization_name',
    } -%}
    {%- for dimension_name, column_name in dimensions.items() -%}
        {%- if not (modules.re.match('^[a-z_][a-z0-9_]*$', dimension_name)
                    and modules.re.match('^[a-z_][a-z0-9_]*$', column_name)) -%}
            {{ exceptions.raise_compiler_error(
                "cost_dimensions: '" ~ dimension_name ~ "': '" ~ column_name ~ "' must be lower-case identifiers"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dimensions) }}
{% endmacro %}


{#- A dimension value with NULL / empty mapped to '(not set)', so a dimension's values add up to the total. -#}
{% macro dimension_value_or_not_set(column) -%}
    coalesce(nullif({{ column }}, ''), '(not set)')
{%- endmacro %}
