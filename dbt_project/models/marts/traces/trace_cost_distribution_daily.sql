{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
    )
}}
{#-
    Distribution of cost per trace, per UTC day, source system and trace type ('(none)' when the source
    has none): true percentiles (percentile_cont, linear interpolation between ranks), mean and sample
    standard deviation (null for a single trace), plus the count, min, max and total. The same statistics
    as Revenium's trace cost distribution (p50, p90, p95, p99, mean, stddev) over all traces of the group.
-#}

with

traces as (

    select
        day,
        source_system,
        coalesce(trace_type, '(none)') as trace_type,
        {{ dbt.cast('cost_usd', dbt.type_float()) }} as cost_usd
    from {{ ref('traces') }}
    where {{ in_partition_window('day') }}

)

select
    day,
    source_system,
    trace_type,
    count(*) as trace_count,
    {{ dbt.cast('sum(cost_usd)', type_usd()) }} as total_cost_usd,
    min(cost_usd) as min_cost_usd,
    percentile_cont(0.5) within group (order by cost_usd) as p50_cost_usd,
    percentile_cont(0.9) within group (order by cost_usd) as p90_cost_usd,
    percentile_cont(0.95) within group (order by cost_usd) as p95_cost_usd,
    percentile_cont(0.99) within group (order by cost_usd) as p99_cost_usd,
    max(cost_usd) as max_cost_usd,
    avg(cost_usd) as mean_cost_usd,
    stddev_samp(cost_usd) as stddev_cost_usd
from traces
group by day, source_system, trace_type
