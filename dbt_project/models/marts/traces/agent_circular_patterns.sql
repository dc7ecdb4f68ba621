{#-
    Circular agent patterns per UTC day (of the trace's start), source system and pattern (int_trace_agent_cycles has the
    definitions: a cycle closes at a call whose agent already acted earlier on the path from the trace's
    head, with another agent in between; patterns are rotated to start at the alphabetically first agent).
    The repeated calls are the closing calls: work handed back to an agent that had already acted.
    Severity per pattern and day, from the worst trace: 'high' when one trace went round the pattern 3 or
    more times or the repeated calls cost at least half of the affected traces' cost, 'medium' at 2 times
    or a quarter of the cost, else 'low'.
-#}

with

cycles as (

    select * from {{ ref('int_trace_agent_cycles') }}
    where {{ in_partition_window('day') }}

),

traces as (

    select trace_key, cost_usd from {{ ref('traces') }}

),

per_trace as (

    select
        cycles.day,
        cycles.source_system,
        cycles.cycle_pattern,
        cycles.trace_key,
        max(cycles.cycle_length) as cycle_length,
        count(*) as occurrence_count,
        sum(cycles.cost_usd) as repeated_call_cost_usd,
        {{ integer_sum('cycles.duration_ms') }} as repeated_call_duration_ms,
        max(traces.cost_usd) as trace_cost_usd
    from cycles
    left join traces
        on traces.trace_key = cycles.trace_key
    group by cycles.day, cycles.source_system, cycles.cycle_pattern, cycles.trace_key

),

per_pattern as (

    select
        day,
        source_system,
        cycle_pattern,
        max(cycle_length) as cycle_length,
        {{ integer_sum('occurrence_count') }} as occurrence_count,
        count(*) as trace_count,
        max(occurrence_count) as max_occurrences_in_trace,
        sum(repeated_call_cost_usd) as repeated_call_cost_usd,
        {{ integer_sum('repeated_call_duration_ms') }} as repeated_call_duration_ms,
        sum(trace_cost_usd) as affected_trace_cost_usd,
        max(
            case when trace_cost_usd > 0 then repeated_call_cost_usd / trace_cost_usd else 0 end
        ) as max_repeated_cost_share
    from per_trace
    group by day, source_system, cycle_pattern

)

select
    day,
    source_system,
    cycle_pattern,
    cycle_length,
    occurrence_count,
    trace_count,
    max_occurrences_in_trace,
    {{ dbt.cast('repeated_call_cost_usd', type_usd()) }} as repeated_call_cost_usd,
    repeated_call_duration_ms,
    {{ dbt.cast('affected_trace_cost_usd', type_usd()) }} as affected_trace_cost_usd,
    case
        when affected_trace_cost_usd > 0
            then {{ dbt.cast('repeated_call_cost_usd', type_double()) }}
                / {{ dbt.cast('affected_trace_cost_usd', type_double()) }}
    end as repeated_cost_share,
    case
        when max_occurrences_in_trace >= 3 or max_repeated_cost_share >= 0.5 then 'high'
        when max_occurrences_in_trace >= 2 or max_repeated_cost_share >= 0.25 then 'medium'
        else 'low'
    end as severity
from per_pattern
