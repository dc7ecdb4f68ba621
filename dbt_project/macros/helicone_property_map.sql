{#-
    Helicone custom properties -> staging dimension columns: {column_name: property key in requests.properties}.
    Built-in defaults, updated with var('helicone_property_map'), so every default column always exists
    (fct_ai_calls relies on them) while a deployment can point a column at another key or add columns.
-#}
{% macro helicone_property_map() %}
    {%- set mapping = {
        'agent_name': 'Agent',
        'organization_name': 'Customer',
        'product_name': 'Product',
        'environment': 'Environment',
        'task_type': 'TaskType',
    } -%}
    {%- do mapping.update(var('helicone_property_map', {}) or {}) -%}
    {%- for column_name in mapping -%}
        {%- if not modules.re.match('^[a-z_][a-z0-9_]*$', column_name) -%}
            {{ exceptions.raise_compiler_error("helicone_property_map: '" ~ column_name ~ "' is not a lower-case column name") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(mapping) }}
{% endmacro %}
