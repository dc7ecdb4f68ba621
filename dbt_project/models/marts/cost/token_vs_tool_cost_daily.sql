{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
    )
}}
{#-
    Token cost (every AI call of fct_ai_calls, all modalities) beside tool cost (fct_tool_calls) per day and
    source: Revenium's token-vs-tool-cost ("Token Costs" / "Tool Costs"). Only Revenium meters tool calls,
    so other sources show tool cost 0. Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set zero_usd = dbt.cast('0', type_usd()) -%}

with

token_cost as (

    select
        day,
        source_system,
        {{ dbt.cast('count(*)', bigint) }} as ai_call_count,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as token_cost_usd
    from {{ ref('fct_ai_calls') }}
    where {{ in_partition_window('day') }}
    group by day, source_system

),

tool_cost as (

    select
        day,
        source_system,
        {{ dbt.cast('count(*)', bigint) }} as tool_call_count,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as tool_cost_usd
    from {{ ref('fct_tool_calls') }}
    where {{ in_partition_window('day') }}
    group by day, source_system

),

joined as (

    select
        coalesce(token_cost.day, tool_cost.day) as day,
        coalesce(token_cost.source_system, tool_cost.source_system) as source_system,
        coalesce(token_cost.ai_call_count, 0) as ai_call_count,
        coalesce(tool_cost.tool_call_count, 0) as tool_call_count,
        coalesce(token_cost.token_cost_usd, {{ zero_usd }}) as token_cost_usd,
        coalesce(tool_cost.tool_cost_usd, {{ zero_usd }}) as tool_cost_usd
    from token_cost
    full outer join tool_cost
        on tool_cost.day = token_cost.day
        and tool_cost.source_system = token_cost.source_system

)

select
    *,
    {{ dbt.cast('token_cost_usd + tool_cost_usd', type_usd()) }} as total_cost_usd,
    {{ dbt.cast('tool_cost_usd', 'double precision') }}
        / nullif({{ dbt.cast('token_cost_usd + tool_cost_usd', 'double precision') }}, 0) as tool_cost_share
from joined
