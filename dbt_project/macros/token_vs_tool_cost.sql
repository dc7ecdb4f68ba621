{#-
    The window's aggregates of a call fact (fct_ai_calls or fct_tool_calls) per day, source and
    group_columns (NULL/empty -> '(not set)'): aggregates = {output column: SQL aggregate}, in column order.
-#}
{% macro daily_call_aggregates(relation, group_columns, aggregates) %}
    select
        day,
        source_system,
        {% for column in group_columns -%}
        {{ dimension_value_or_not_set(column) }} as {{ column }},
        {% endfor -%}
        {% for column, aggregate in aggregates.items() -%}
        {{ aggregate }} as {{ column }}{{ ',' if not loop.last }}
        {% endfor -%}
    from {{ relation }}
    where {{ in_partition_window('day') }}
    group by
        day,
        source_system
        {%- for column in group_columns %},
        {{ dimension_value_or_not_set(column) }}
        {%- endfor %}
{% endmacro %}


{#-
    Body of a token-vs-tool cost mart: per day, source and group_columns, the AI calls' token cost (every
    modality, from relation ai_calls) beside the tool calls' cost (relation tool_calls), their total and the
    tool share of it (column share_column). The calling model passes ref('fct_ai_calls') and
    ref('fct_tool_calls'), so its file names its parents. A group with only one kind of call shows 0 for the
    other. count_distinct_tools adds distinct_tools.
-#}
{% macro token_vs_tool_cost(ai_calls, tool_calls, group_columns, share_column, count_distinct_tools=false) %}
{%- set bigint = dbt.type_bigint() -%}
{%- set usd = type_usd() -%}
{%- set zero_usd = dbt.cast('0', usd) -%}
{%- set keys = ['day', 'source_system'] + group_columns -%}
{%- set tool_aggregates = {'tool_call_count': dbt.cast('count(*)', bigint)} -%}
{%- if count_distinct_tools -%}
    {%- do tool_aggregates.update({'distinct_tools': dbt.cast('count(distinct tool_id)', bigint)}) -%}
{%- endif -%}
{%- do tool_aggregates.update({'tool_cost_usd': dbt.cast('sum(cost_usd)', usd)}) -%}
with

token_cost as (
    {{ daily_call_aggregates(ai_calls, group_columns, {
        'ai_call_count': dbt.cast('count(*)', bigint),
        'token_cost_usd': dbt.cast('sum(cost_usd)', usd),
    }) }}
),

tool_cost as (
    {{ daily_call_aggregates(tool_calls, group_columns, tool_aggregates) }}
),

joined as (

    select
        {% for key in keys -%}
        coalesce(token_cost.{{ key }}, tool_cost.{{ key }}) as {{ key }},
        {% endfor -%}
        coalesce(token_cost.ai_call_count, 0) as ai_call_count,
        coalesce(tool_cost.tool_call_count, 0) as tool_call_count,
        {% if count_distinct_tools -%}
        coalesce(tool_cost.distinct_tools, 0) as distinct_tools,
        {% endif -%}
        coalesce(token_cost.token_cost_usd, {{ zero_usd }}) as token_cost_usd,
        coalesce(tool_cost.tool_cost_usd, {{ zero_usd }}) as tool_cost_usd
    from token_cost
    full outer join tool_cost
        on {% for key in keys -%}
        {{ 'and ' if not loop.first }}tool_cost.{{ key }} = token_cost.{{ key }}
        {% endfor %}
)

select
    *,
    {{ dbt.cast('token_cost_usd + tool_cost_usd', usd) }} as total_cost_usd,
    {{ dbt.cast('tool_cost_usd', type_double()) }}
        / nullif({{ dbt.cast('token_cost_usd + tool_cost_usd', type_double()) }}, 0) as {{ share_column }}
from joined
{% endmacro %}
