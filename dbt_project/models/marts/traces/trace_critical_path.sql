{#-
    Per trace, its critical path: the chain of dependent calls (each the child of the previous one through
    parent_call_id, from a head = a root or a call whose parent is missing, down to any call) with the
    largest summed call duration. Its duration is that sum: the least time the trace could take if
    nothing but the dependencies made it wait. Ties: the deeper chain, then the smaller last call_id.
    The bottleneck is the longest call on the path (on a tie, the first along it). Optimisation potential
    = trace duration (first start to last end) - critical path duration, at least 0: the time spent
    outside the dependent work (waits between hand-offs, calls that could overlap), i.e. how much shorter
    the trace could be with the same calls. Helicone links parents by session path (agents, not calls), so
    its critical paths are approximate.
-#}

with

traces as (

    select * from {{ ref('traces') }}
    where {{ in_partition_window('day') }}

),

paths as (

    select * from {{ ref('int_trace_call_paths') }}
    where {{ in_partition_window('day') }}

),

calls as (

    select * from {{ ref('int_trace_calls') }}
    where {{ in_partition_window('trace_day') }}

),

ranked as (

    select
        paths.*,
        row_number() over (
            partition by paths.trace_key
            order by paths.path_duration_ms desc, paths.depth desc, paths.call_id
        ) as path_rank
    from paths
    inner join traces
        on traces.trace_key = paths.trace_key

),

critical as (

    select * from ranked where path_rank = 1

)

select
    traces.trace_key,
    traces.source_system,
    traces.trace_id,
    traces.day,
    traces.trace_type,
    traces.call_count,
    traces.duration_ms as trace_duration_ms,
    critical.head_call_id,
    critical.call_id as leaf_call_id,
    critical.depth as critical_path_call_count,
    critical.path_duration_ms as critical_path_duration_ms,
    {{ milliseconds_between('head.started_at', 'leaf.ended_at') }} as critical_path_elapsed_ms,
    critical.path_call_ids as critical_path_call_ids,
    critical.path_agents as critical_path_agents,
    critical.bottleneck_call_id,
    bottleneck.agent_name as bottleneck_agent_name,
    bottleneck.request_model as bottleneck_request_model,
    critical.bottleneck_duration_ms,
    case
        when critical.path_duration_ms > 0
            then {{ dbt.cast('critical.bottleneck_duration_ms', type_double()) }} / critical.path_duration_ms
    end as bottleneck_share,
    greatest(traces.duration_ms - critical.path_duration_ms, 0) as optimisation_potential_ms,
    case
        when traces.duration_ms > 0
            then {{ dbt.cast('greatest(traces.duration_ms - critical.path_duration_ms, 0)', type_double()) }}
                / traces.duration_ms
    end as optimisation_potential_share,
    traces.missing_parent_count
from traces
inner join critical
    on critical.trace_key = traces.trace_key
inner join calls as head
    on head.call_id = critical.head_call_id
inner join calls as leaf
    on leaf.call_id = critical.call_id
inner join calls as bottleneck
    on bottleneck.call_id = critical.bottleneck_call_id
