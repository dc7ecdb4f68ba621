{#-
    The ancestors of every call of a trace: one row per (call, ancestor at distance d), d = 0 for the call
    itself, 1 for its linked parent, ... up to its head (a root or a call whose parent is missing). The
    agent of each ancestor comes along, for the cycle search (int_trace_agent_cycles). The walk stops at
    var trace_max_depth, so a cycle of parent links in bad vendor data cannot make it endless.
    Incremental by the trace's day (int_trace_calls.trace_day), like int_trace_call_paths.
-#}
{%- set max_depth = var('trace_max_depth', 100) -%}
{%- set calls -%}
    select * from {{ ref('int_trace_calls') }}
    where {{ in_partition_window('trace_day') }}
{%- endset -%}
{%- set anchor -%}
    select
        trace_key,
        trace_day as day,
        call_id,
        call_id as ancestor_call_id,
        linked_parent_call_id as next_call_id,
        agent_name as ancestor_agent_name,
        0 as distance
    from calls
{%- endset -%}
{%- set step -%}
    select
        ancestors.trace_key,
        ancestors.day,
        ancestors.call_id,
        parent.call_id as ancestor_call_id,
        parent.linked_parent_call_id as next_call_id,
        parent.agent_name as ancestor_agent_name,
        ancestors.distance + 1 as distance
    from ancestors
    inner join calls as parent
        on parent.call_id = ancestors.next_call_id
        and parent.trace_key = ancestors.trace_key
    where ancestors.distance < {{ max_depth }}
{%- endset -%}
with walk as (
{{ recursive_walk('calls', calls, 'ancestors', anchor, step, max_depth) }}
)

select trace_key, day, call_id, ancestor_call_id, ancestor_agent_name, distance from walk
