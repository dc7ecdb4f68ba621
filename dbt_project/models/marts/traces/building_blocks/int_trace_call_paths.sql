{#-
    Each call of a trace with the chain of dependent calls that leads to it (a recursive walk down
    linked_parent_call_id from the heads: root calls and calls whose parent is missing). One row per reachable
    call; path_duration_ms sums the durations along the chain, and the bottleneck is the longest call on it
    (on a tie, the first along the chain). depth counts the calls of the chain (the head is 1).
    Calls caught in a cycle of parent links (bad vendor data) have no head and do not appear; the walk stops
    at var trace_max_depth calls in any case.
    Incremental by the trace's day (int_trace_calls.trace_day): a run walks only the traces that start in its
    window, so a daily run does not grow with the history.
-#}
{%- set text = dbt.type_string() -%}
{%- set max_depth = var('trace_max_depth', 100) -%}
{%- set calls -%}
    select * from {{ ref('int_trace_calls') }}
    where {{ in_partition_window('trace_day') }}
{%- endset -%}
{%- set anchor -%}
    select
        trace_key,
        trace_day as day,
        call_id as head_call_id,
        call_id,
        1 as depth,
        coalesce(duration_ms, 0) as path_duration_ms,
        call_id as bottleneck_call_id,
        coalesce(duration_ms, 0) as bottleneck_duration_ms,
        {{ dbt.cast('call_id', text) }} as path_call_ids,
        {{ dbt.cast("coalesce(agent_name, '?')", text) }} as path_agents
    from calls
    where linked_parent_call_id is null
{%- endset -%}
{%- set step -%}
    select
        child.trace_key,
        paths.day,
        paths.head_call_id,
        child.call_id,
        paths.depth + 1 as depth,
        paths.path_duration_ms + coalesce(child.duration_ms, 0) as path_duration_ms,
        case
            when coalesce(child.duration_ms, 0) > paths.bottleneck_duration_ms then child.call_id
            else paths.bottleneck_call_id
        end as bottleneck_call_id,
        greatest(coalesce(child.duration_ms, 0), paths.bottleneck_duration_ms) as bottleneck_duration_ms,
        {{ dbt.cast(dbt.concat(['paths.path_call_ids', "' > '", 'child.call_id']), text) }} as path_call_ids,
        {{ dbt.cast(dbt.concat(['paths.path_agents', "' > '", "coalesce(child.agent_name, '?')"]), text) }}
            as path_agents
    from paths
    inner join calls as child
        on child.linked_parent_call_id = paths.call_id
        and child.trace_key = paths.trace_key
    where paths.depth < {{ max_depth }}
{%- endset -%}
{{ recursive_walk('calls', calls, 'paths', anchor, step, max_depth) }}
