{#-
    Traces above the 75th, 95th or 99th percentile of a trailing window, per metric (cost_usd, duration_ms,
    call_count, total_tokens): one row per (trace, metric) over P75. The window of a trace of day D is the
    traces of the same source system that started in [D - (var trace_anomaly_window_days - 1), D]
    (default 7 days, the day itself included so that the first day of history is judged too). Percentiles
    are percentile_cont over the window's traces. is_extreme: the value is more than var
    trace_anomaly_extreme_factor (default 5) times the window's P95, a robust "far out of the distribution"
    test (the P95 barely moves when a few extreme traces join the window, unlike the P99).
-#}
{%- set window_days = var('trace_anomaly_window_days', 7) | int -%}
{%- set extreme_factor = var('trace_anomaly_extreme_factor', 5) -%}
{%- set metrics = ['cost_usd', 'duration_ms', 'call_count', 'total_tokens'] -%}
{%- set float = type_double() -%}

with

all_traces as (

    select * from {{ ref('traces') }}
    -- the traces any target day's trailing window holds, not the whole history
    where {{ in_widened_window('day', window_days - 1) }}

),

target_days as (

    select distinct source_system, day
    from all_traces
    where {{ in_partition_window('day') }}

),

metric_values as (

    {% for metric in metrics %}
    select
        trace_key,
        source_system,
        trace_id,
        day,
        trace_type,
        '{{ metric }}' as metric_name,
        {{ dbt.cast(metric, float) }} as metric_value
    from all_traces
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

thresholds as (

    select
        target_days.source_system,
        target_days.day,
        metric_values.metric_name,
        count(*) as window_trace_count,
        percentile_cont(0.75) within group (order by metric_values.metric_value) as p75,
        percentile_cont(0.95) within group (order by metric_values.metric_value) as p95,
        percentile_cont(0.99) within group (order by metric_values.metric_value) as p99
    from target_days
    inner join metric_values
        on metric_values.source_system = target_days.source_system
        and metric_values.day <= target_days.day
        and metric_values.day >= {{ dbt.cast(dbt.dateadd('day', 1 - window_days, 'target_days.day'), api.Column.translate_type('date')) }}
    where metric_values.metric_value is not null
    group by target_days.source_system, target_days.day, metric_values.metric_name

)

select
    metric_values.trace_key,
    metric_values.source_system,
    metric_values.trace_id,
    metric_values.day,
    metric_values.trace_type,
    metric_values.metric_name,
    metric_values.metric_value,
    thresholds.p75,
    thresholds.p95,
    thresholds.p99,
    case
        when metric_values.metric_value > thresholds.p99 then 'P99'
        when metric_values.metric_value > thresholds.p95 then 'P95'
        else 'P75'
    end as percentile_exceeded,
    case
        when metric_values.metric_value > {{ extreme_factor }} * thresholds.p95 then true else false
    end as is_extreme,
    thresholds.window_trace_count,
    {{ window_days }} as window_days
from metric_values
inner join thresholds
    on thresholds.source_system = metric_values.source_system
    and thresholds.day = metric_values.day
    and thresholds.metric_name = metric_values.metric_name
where metric_values.metric_value > thresholds.p75
