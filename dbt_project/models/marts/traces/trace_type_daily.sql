{#-
    Traces by trace type per UTC day and source system (Revenium's cost, performance and efficiency by
    trace type over time): cost, duration and calls per trace. Helicone and orq.ai carry no trace type:
    their traces count under '(none)'.
-#}

with

traces as (

    select * from {{ ref('traces') }}
    where {{ in_partition_window('day') }}

)

select
    day,
    source_system,
    coalesce(trace_type, '(none)') as trace_type,
    count(*) as trace_count,
    {{ integer_sum('call_count') }} as call_count,
    {{ integer_sum('case when error_count > 0 then 1 else 0 end') }} as traces_with_errors,
    {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd,
    {{ dbt.cast('sum(cost_usd)', type_double()) }} / count(*) as avg_cost_per_trace_usd,
    {{ integer_sum('total_tokens') }} as total_tokens,
    {{ integer_sum('duration_ms') }} as total_duration_ms,
    {{ dbt.cast('sum(duration_ms)', type_double()) }} / count(duration_ms) as avg_duration_ms,
    {{ dbt.cast('sum(call_count)', type_double()) }} / count(*) as avg_calls_per_trace
from traces
group by day, source_system, coalesce(trace_type, '(none)')
