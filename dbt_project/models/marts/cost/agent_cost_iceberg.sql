{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
    )
}}
{#-
    The cost iceberg per agent and day: the visible tip (its AI calls' token cost) and what lies below
    the waterline (the tool calls it made), with the share below. Revenium documents no iceberg endpoint
    (NOT FOUND in the vendor docs); the two parts are its cost-by-agent (AI calls) and agent-tool-breakdown
    (tool calls) figures. Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set zero_usd = dbt.cast('0', type_usd()) -%}

with

token_cost as (

    select
        day,
        source_system,
        {{ dimension_value_or_not_set('agent_name') }} as agent_name,
        {{ dbt.cast('count(*)', bigint) }} as ai_call_count,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as token_cost_usd
    from {{ ref('fct_ai_calls') }}
    where {{ in_partition_window('day') }}
    group by day, source_system, {{ dimension_value_or_not_set('agent_name') }}

),

tool_cost as (

    select
        day,
        source_system,
        {{ dimension_value_or_not_set('agent_name') }} as agent_name,
        {{ dbt.cast('count(*)', bigint) }} as tool_call_count,
        {{ dbt.cast('count(distinct tool_id)', bigint) }} as distinct_tools,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as tool_cost_usd
    from {{ ref('fct_tool_calls') }}
    where {{ in_partition_window('day') }}
    group by day, source_system, {{ dimension_value_or_not_set('agent_name') }}

),

joined as (

    select
        coalesce(token_cost.day, tool_cost.day) as day,
        coalesce(token_cost.source_system, tool_cost.source_system) as source_system,
        coalesce(token_cost.agent_name, tool_cost.agent_name) as agent_name,
        coalesce(token_cost.ai_call_count, 0) as ai_call_count,
        coalesce(tool_cost.tool_call_count, 0) as tool_call_count,
        coalesce(tool_cost.distinct_tools, 0) as distinct_tools,
        coalesce(token_cost.token_cost_usd, {{ zero_usd }}) as token_cost_usd,
        coalesce(tool_cost.tool_cost_usd, {{ zero_usd }}) as tool_cost_usd
    from token_cost
    full outer join tool_cost
        on tool_cost.day = token_cost.day
        and tool_cost.source_system = token_cost.source_system
        and tool_cost.agent_name = token_cost.agent_name

)

select
    *,
    {{ dbt.cast('token_cost_usd + tool_cost_usd', type_usd()) }} as total_cost_usd,
    {{ dbt.cast('tool_cost_usd', 'double precision') }}
        / nullif({{ dbt.cast('token_cost_usd + tool_cost_usd', 'double precision') }}, 0) as hidden_cost_share
from joined
