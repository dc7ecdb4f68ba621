{#-
    The dimensions of cost_by_dimension_hourly / cost_by_dimension_daily, in two families told apart by
    the marts' cost_kind column, so the long tables never count a dollar twice:

    * cost_dimensions():      {dimension_name: column of fct_ai_calls}  -> cost_kind 'token' (AI calls' cost)
    * tool_cost_dimensions(): {dimension_name: column of fct_tool_calls} -> cost_kind 'tool'  (tool calls' cost)

    Each dimension_name belongs to exactly one family, so for one (day, source_system, dimension_name) the
    rows add up to that source's daily total of one cost kind. The single place to extend: add a pair here
    (or override var cost_dimensions / tool_cost_dimensions) and the marts, the per-dimension views' macro,
    the singular test and the reconciliation follow. Order is the order of the union, not significant.

    'vendor' and 'customer' follow Revenium's analytics, which define a vendor as the AI provider
    (cost-by-vendor = cost-by-provider) and a customer as the organization (revenue-per-customer groups by
    organization): the docs are silent, this is the simulator's documented inference.
-#}
{% macro cost_dimensions() %}
    {%- set dimensions = var('cost_dimensions', none) or {
        'agent': 'agent_name',
        'api_key': 'api_key_alias',
        'model': 'request_model',
        'organization': 'organization_name',
        'product': 'product_name',
        'provider': 'provider_name',
        'team': 'team_id',
        'user': 'subscriber_email',
        'vendor': 'provider_name',
        'customer': 'organization_name',
        'task_type': 'task_type',
        'trace_type': 'trace_type',
        'environment': 'environment',
    } -%}
    {{ return(_checked_dimensions('cost_dimensions', dimensions)) }}
{% endmacro %}


{% macro tool_cost_dimensions() %}
    {%- set dimensions = var('tool_cost_dimensions', none) or {
        'tool': 'tool_id',
        'tool_provider': 'tool_provider',
    } -%}
    {{ return(_checked_dimensions('tool_cost_dimensions', dimensions)) }}
{% endmacro %}


{#- Every dimension of either family: {dimension_name: (cost_kind, column)}. A name in both is an error. -#}
{% macro all_cost_dimensions() %}
    {%- set dimensions = {} -%}
    {%- for name, column in cost_dimensions().items() -%}{%- do dimensions.update({name: ('token', column)}) -%}{%- endfor -%}
    {%- for name, column in tool_cost_dimensions().items() -%}
        {%- if name in dimensions -%}
            {{ exceptions.raise_compiler_error("dimension '" ~ name ~ "' is both a token and a tool cost dimension") }}
        {%- endif -%}
        {%- do dimensions.update({name: ('tool', column)}) -%}
    {%- endfor -%}
    {{ return(dimensions) }}
{% endmacro %}


{% macro _checked_dimensions(label, dimensions) %}
    {%- for dimension_name, column_name in dimensions.items() -%}
        {%- if not (modules.re.match('^[a-z_][a-z0-9_]*$', dimension_name)
                    and modules.re.match('^[a-z_][a-z0-9_]*$', column_name)) -%}
            {{ exceptions.raise_compiler_error(
                label ~ ": '" ~ dimension_name ~ "': '" ~ column_name ~ "' must be lower-case identifiers"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dimensions) }}
{% endmacro %}


{#- A dimension value with NULL / empty mapped to '(not set)', so a dimension's values add up to the total. -#}
{% macro dimension_value_or_not_set(column) -%}
    coalesce(nullif({{ column }}, ''), '(not set)')
{%- endmacro %}


{#-
    The body of a per-dimension BI view cost_by_<dimension>_daily: the rows of cost_by_dimension_daily for
    one dimension, with the value under the column name of fct_ai_calls / fct_tool_calls it comes from
    (docs/conventions.md names: agent_name, api_key_alias, ...; never a reserved word such as "user").
    cost_by_dimension_daily: that mart's relation (ref('cost_by_dimension_daily') in the view's own file, so
    the view names its parent). Each view's file is a config line and a call of this macro.
-#}
{% macro cost_by_dimension_view(cost_by_dimension_daily, dimension_name) %}
    {%- set dimensions = all_cost_dimensions() -%}
    {%- if dimension_name not in dimensions -%}
        {#- a dimension taken out of the configured list (var cost_dimensions): its view is not built -#}
        {{ config(enabled=false) }}
        {{ return('select 1 as disabled') }}
    {%- endif -%}
select
    day,
    source_system,
    cost_kind,
    dimension_value as {{ dimensions[dimension_name][1] }},
    call_count,
    error_count,
    total_tokens,
    cost_usd
from {{ cost_by_dimension_daily }}
where dimension_name = '{{ dimension_name }}'
{% endmacro %}
