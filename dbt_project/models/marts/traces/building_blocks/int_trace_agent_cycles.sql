{#-
    One row per call that closes a circular agent pattern. Definitions (also in agent_circular_patterns):
    * a hand-off is a call made by a different agent than its (linked) parent call's agent;
    * a call closes a cycle when its agent already made a call on the path from the trace's head to it,
      and the nearest such ancestor is not its parent (there is another agent in between): A > B > A,
      A > B > C > A. A call of the same agent as its parent (A > A) is a continuation, not a cycle.
    The cycle runs from that nearest same-agent ancestor to the closing call; consecutive calls of one
    agent count once. cycle_pattern names it canonically: rotated to start at the alphabetically first
    agent (so B > A > B and A > B > A are one pattern) and closed with that agent, e.g.
    'billing-assistant > support-triage > billing-assistant'. cycle_length = the number of hand-offs.
    Calls without an agent name take part in no cycle. Dated by the trace's day (int_trace_calls.trace_day);
    incremental like int_trace_call_ancestors.
-#}
with

calls as (

    select * from {{ ref('int_trace_calls') }}
    where {{ in_partition_window('trace_day') }}

),

ancestors as (

    select * from {{ ref('int_trace_call_ancestors') }}
    where {{ in_partition_window('day') }}

),

closing as (

    select
        me.trace_key,
        me.call_id,
        min(anc.distance) as cycle_distance
    from ancestors as me
    inner join ancestors as anc
        on anc.call_id = me.call_id
        and anc.distance >= 1
        and anc.ancestor_agent_name = me.ancestor_agent_name
    where me.distance = 0
        and me.ancestor_agent_name is not null
    group by me.trace_key, me.call_id

),

segment as (

    {#- the ancestors from the nearest same-agent one down to the parent, consecutive repeats dropped -#}
    select
        closing.trace_key,
        closing.call_id,
        node.distance,
        node.ancestor_agent_name as agent_name
    from closing
    inner join ancestors as node
        on node.call_id = closing.call_id
        and node.distance between 1 and closing.cycle_distance
    left join ancestors as farther
        on farther.call_id = closing.call_id
        and farther.distance = node.distance + 1
    where closing.cycle_distance >= 2
        and (node.distance = closing.cycle_distance or farther.ancestor_agent_name <> node.ancestor_agent_name)

),

ordered as (

    select
        trace_key,
        call_id,
        agent_name,
        row_number() over (partition by call_id order by distance desc) - 1 as node_index,
        count(*) over (partition by call_id) as node_count,
        min(agent_name) over (partition by call_id) as first_agent_name
    from segment

),

anchored as (

    select
        ordered.*,
        min(case when agent_name = first_agent_name then node_index end) over (partition by call_id)
            as anchor_index
    from ordered

),

rotated as (

    select
        trace_key,
        call_id,
        agent_name,
        node_count,
        first_agent_name,
        (node_index - anchor_index + node_count) % node_count as rotated_index
    from anchored

),

patterns as (

    select
        trace_key,
        call_id,
        max(node_count) as cycle_length,
        {{ dbt.concat([
            ordered_listagg('agent_name', "' > '", 'rotated_index'),
            "' > '",
            'max(first_agent_name)',
        ]) }} as cycle_pattern
    from rotated
    group by trace_key, call_id

)

select
    patterns.trace_key,
    calls.source_system,
    calls.trace_id,
    calls.trace_day as day,
    patterns.call_id,
    calls.agent_name,
    patterns.cycle_pattern,
    patterns.cycle_length,
    calls.cost_usd,
    calls.duration_ms
from patterns
inner join calls
    on calls.call_id = patterns.call_id
