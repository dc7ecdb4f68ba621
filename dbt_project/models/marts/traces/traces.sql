{#-
    One row per trace of every source system (Revenium traces, Helicone sessions, orq.ai traces), rolled up
    from its calls in fct_ai_calls (all modalities) and its tool calls in fct_tool_calls. A trace is dated
    by the UTC day of its first call; a run rebuilds the traces that start in its window, with all their
    calls (a trace that runs past midnight is complete once the next day is loaded and its start day re-run).
    The trace's who/what (trace type, organization, product, ...) are those of its root call.
-#}

with

calls as (

    select * from {{ ref('int_trace_calls') }}

),

window_calls as (

    select * from calls
    where {{ in_partition_window('trace_day') }}

),

root as (

    select * from window_calls where is_root

),

rolled as (

    select
        trace_key,
        min(trace_day) as day,
        min(started_at) as started_at,
        max(ended_at) as ended_at,
        count(*) as call_count,
        {{ integer_sum('is_media') }} as media_call_count,
        {{ integer_sum('case when is_error then 1 else 0 end') }} as error_count,
        {{ integer_sum('case when has_missing_parent then 1 else 0 end') }} as missing_parent_count,
        count(distinct agent_name) as agent_count,
        count(distinct request_model) as model_count,
        {{ integer_sum('input_tokens') }} as input_tokens,
        {{ integer_sum('output_tokens') }} as output_tokens,
        {{ integer_sum('cache_read_tokens') }} as cache_read_tokens,
        {{ integer_sum('cache_write_tokens') }} as cache_write_tokens,
        {{ integer_sum('reasoning_tokens') }} as reasoning_tokens,
        {{ integer_sum('total_tokens') }} as total_tokens,
        sum(cost_usd) as cost_usd,
        sum(case when is_media = 1 then cost_usd else 0 end) as media_cost_usd
    from window_calls
    group by trace_key

),

tools as (

    select
        {{ dbt.concat(['source_system', "':'", 'trace_id']) }} as trace_key,
        count(*) as tool_call_count,
        count(distinct tool_id) as tool_count,
        sum(cost_usd) as tool_cost_usd
    from {{ ref('fct_tool_calls') }}
    where trace_id is not null
        and {{ in_trace_span_window('day', after=true) }}
    group by 1

),

depth as (

    select trace_key, max(depth) as max_depth
    from {{ ref('int_trace_call_paths') }}
    where {{ in_partition_window('day') }}
    group by trace_key

),

cycles as (

    select trace_key, count(*) as circular_call_count
    from {{ ref('int_trace_agent_cycles') }}
    where {{ in_partition_window('day') }}
    group by trace_key

)

select
    rolled.trace_key,
    root.source_system,
    root.trace_id,
    root.team_id,
    rolled.day,
    rolled.started_at,
    rolled.ended_at,
    {{ milliseconds_between('rolled.started_at', 'rolled.ended_at') }} as duration_ms,
    root.trace_type,
    root.trace_name,
    root.call_id as root_call_id,
    root.agent_name as root_agent_name,
    root.organization_name,
    root.product_name,
    root.subscriber_email,
    root.environment,
    root.squad_id,
    root.job_id,
    rolled.call_count,
    rolled.media_call_count,
    rolled.error_count,
    rolled.missing_parent_count,
    coalesce(depth.max_depth, 0) as max_depth,
    rolled.agent_count,
    rolled.model_count,
    coalesce(tools.tool_count, 0) as tool_count,
    coalesce(tools.tool_call_count, 0) as tool_call_count,
    rolled.input_tokens,
    rolled.output_tokens,
    rolled.cache_read_tokens,
    rolled.cache_write_tokens,
    rolled.reasoning_tokens,
    rolled.total_tokens,
    {{ dbt.cast('rolled.cost_usd', type_usd()) }} as cost_usd,
    {{ dbt.cast('rolled.media_cost_usd', type_usd()) }} as media_cost_usd,
    {{ dbt.cast('coalesce(tools.tool_cost_usd, 0)', type_usd()) }} as tool_cost_usd,
    coalesce(cycles.circular_call_count, 0) as circular_call_count
from rolled
inner join root
    on root.trace_key = rolled.trace_key
left join tools
    on tools.trace_key = rolled.trace_key
left join depth
    on depth.trace_key = rolled.trace_key
left join cycles
    on cycles.trace_key = rolled.trace_key
