{#-
    Per tool and day: calls, successes, success rate, cost and latency (Revenium's tool-success-rate,
    tool-latency and cost-by-tool figures). Counts and sums add up over days, so a period's success rate
    is sum(success_count) / sum(call_count) and its mean latency sum(duration_ms_sum) / sum(timed_call_count);
    the day's p50/p95 are true percentiles of that day only (never average them over days).
    Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set double = type_double() -%}

with

tool_calls as (

    select * from {{ ref('fct_tool_calls') }}
    where {{ in_partition_window('day') }}

),

per_tool as (

    select
        day,
        source_system,
        tool_id,
        max(tool_name) as tool_name,
        max(tool_type) as tool_type,
        max(tool_provider) as tool_provider,
        {{ dbt.cast('count(*)', bigint) }} as call_count,
        {{ dbt.cast('sum(case when is_success then 1 else 0 end)', bigint) }} as success_count,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd,
        {{ dbt.cast('count(duration_ms)', bigint) }} as timed_call_count,
        {{ dbt.cast('sum(duration_ms)', bigint) }} as duration_ms_sum,
        {{ dbt.cast('percentile_cont(0.5) within group (order by duration_ms)', double) }} as p50_duration_ms,
        {{ dbt.cast('percentile_cont(0.95) within group (order by duration_ms)', double) }} as p95_duration_ms
    from tool_calls
    group by day, source_system, tool_id

)

select
    *,
    {{ dbt.cast('success_count', double) }} / call_count as success_rate,
    {{ dbt.cast('duration_ms_sum', double) }} / nullif(timed_call_count, 0) as avg_duration_ms
from per_tool
