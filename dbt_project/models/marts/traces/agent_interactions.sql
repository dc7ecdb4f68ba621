{#-
    Agent-to-agent calls per UTC day and source system, ready for a heatmap: one row per (from agent,
    to agent) = a call (to agent) whose linked parent call was made by the from agent. Same-agent pairs
    (the diagonal: an agent continuing its own work) are kept and flagged. Cost and duration are the called
    calls'; handoff_gap_ms is the wait from the parent's end to the child's start (the hand-off latency).
    Dated by the trace's day (its first call's UTC day), like every trace mart. Calls without an agent name
    show as '(unknown)'.
-#}

with

calls as (

    select * from {{ ref('int_trace_calls') }}
    where {{ in_partition_window('trace_day') }}

),

pairs as (

    select
        child.trace_day as day,
        child.source_system,
        coalesce(parent.agent_name, '(unknown)') as from_agent_name,
        coalesce(child.agent_name, '(unknown)') as to_agent_name,
        child.cost_usd,
        child.duration_ms,
        child.is_error,
        {{ milliseconds_between('parent.ended_at', 'child.started_at') }} as handoff_gap_ms
    from calls as child
    inner join calls as parent
        on parent.call_id = child.linked_parent_call_id

)

select
    day,
    source_system,
    from_agent_name,
    to_agent_name,
    case when from_agent_name = to_agent_name then true else false end as is_same_agent,
    count(*) as call_count,
    {{ integer_sum('case when is_error then 1 else 0 end') }} as error_count,
    {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd,
    {{ integer_sum('duration_ms') }} as total_duration_ms,
    {#- averages from exact integer sums: a re-run gives the same bits whatever order rows are added in -#}
    {{ dbt.cast('sum(duration_ms)', type_double()) }} / count(duration_ms) as avg_duration_ms,
    {{ dbt.cast('sum(handoff_gap_ms)', type_double()) }} / count(handoff_gap_ms) as avg_handoff_gap_ms
from pairs
group by day, source_system, from_agent_name, to_agent_name
