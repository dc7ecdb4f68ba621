{#-
    Distribution of cost per trace, per UTC day, source system and trace type ('(none)' when the source
    has none): true percentiles (percentile_cont, linear interpolation between ranks), mean and sample
    standard deviation (null for a single trace), plus the count, min, max and total. The same statistics
    as Revenium's trace cost distribution (p50, p90, p95, p99, mean, stddev) over all traces of the group.
    Mean and standard deviation come from exact DECIMAL sums (of cost and cost squared), so a re-run gives
    the same bits whatever order a parallel engine adds the rows in.
-#}
{%- set double = type_double() -%}

with

traces as (

    select
        day,
        source_system,
        coalesce(trace_type, '(none)') as trace_type,
        cost_usd,
        {{ dbt.cast('cost_usd', double) }} as cost_value
    from {{ ref('traces') }}
    where {{ in_partition_window('day') }}

),

grouped as (

    select
        day,
        source_system,
        trace_type,
        count(*) as trace_count,
        sum(cost_usd) as total_cost_usd,
        sum(cost_usd * cost_usd) as total_cost_squared,
        min(cost_value) as min_cost_usd,
        percentile_cont(0.5) within group (order by cost_value) as p50_cost_usd,
        percentile_cont(0.9) within group (order by cost_value) as p90_cost_usd,
        percentile_cont(0.95) within group (order by cost_value) as p95_cost_usd,
        percentile_cont(0.99) within group (order by cost_value) as p99_cost_usd,
        max(cost_value) as max_cost_usd
    from traces
    group by day, source_system, trace_type

)

select
    day,
    source_system,
    trace_type,
    trace_count,
    {{ dbt.cast('total_cost_usd', type_usd()) }} as total_cost_usd,
    min_cost_usd,
    p50_cost_usd,
    p90_cost_usd,
    p95_cost_usd,
    p99_cost_usd,
    max_cost_usd,
    {{ dbt.cast('total_cost_usd', double) }} / trace_count as mean_cost_usd,
    case
        when trace_count > 1 then sqrt(greatest(
            (
                {{ dbt.cast('total_cost_squared', double) }}
                - {{ dbt.cast('total_cost_usd', double) }} * {{ dbt.cast('total_cost_usd', double) }} / trace_count
            ) / (trace_count - 1),
            0
        ))
    end as stddev_cost_usd
from grouped
