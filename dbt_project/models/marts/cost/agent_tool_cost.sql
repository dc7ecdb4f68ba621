{#-
    Tool cost per (agent, tool) and day: Revenium's agent-tool-breakdown (cost per agent/tool pair with the
    tool's type and call count), plus failures and time. The agent is the one metered on the tool event.
    Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}

with

tool_calls as (

    select * from {{ ref('fct_tool_calls') }}
    where {{ in_partition_window('day') }}

)

select
    day,
    source_system,
    {{ dimension_value_or_not_set('agent_name') }} as agent_name,
    tool_id,
    max(tool_name) as tool_name,
    max(tool_type) as tool_type,
    max(tool_provider) as tool_provider,
    {{ dbt.cast('count(*)', bigint) }} as call_count,
    {{ dbt.cast('sum(case when is_error then 1 else 0 end)', bigint) }} as error_count,
    {{ dbt.cast('sum(duration_ms)', bigint) }} as duration_ms_sum,
    {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd
from tool_calls
group by
    day,
    source_system,
    {{ dimension_value_or_not_set('agent_name') }},
    tool_id
