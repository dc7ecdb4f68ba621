{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
        meta={'partition_window_column': 'period_end'},
    )
}}
{#-
    Task performance per agent and rolling period (macros/analytics_periods.sql): tasks, completed tasks,
    success rate and task duration (mean and true p50 / p95 over the period's tasks). Revenium's
    task-performance-by-agent. Incremental on period_end.
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set double = 'double precision' -%}

with

tasks as (
    {{ agent_tasks(in_partition_window_with_lookback('day', analytics_period_days() | max - 1, 1)) }}
),

period_ends as (

    select distinct day as period_end
    from tasks
    where {{ in_partition_window('day') }}

),

periods as (
    {{ rolling_periods('period_ends') }}
),

rolled as (

    select
        periods.period_end,
        periods.period_days,
        periods.period_start,
        tasks.source_system,
        tasks.agent_name,
        {{ dbt.cast('count(distinct tasks.day)', bigint) }} as days_with_tasks,
        {{ dbt.cast('count(*)', bigint) }} as total_tasks,
        {{ dbt.cast('sum(case when tasks.is_completed then 1 else 0 end)', bigint) }} as completed_tasks,
        {{ dbt.cast('sum(tasks.duration_ms)', bigint) }} as task_duration_ms_sum,
        {{ dbt.cast('percentile_cont(0.5) within group (order by tasks.duration_ms)', double) }}
            as p50_task_duration_ms,
        {{ dbt.cast('percentile_cont(0.95) within group (order by tasks.duration_ms)', double) }}
            as p95_task_duration_ms
    from periods
    inner join tasks
        on tasks.day >= periods.period_start
        and tasks.day <= periods.period_end
    group by
        periods.period_end,
        periods.period_days,
        periods.period_start,
        tasks.source_system,
        tasks.agent_name

)

select
    *,
    {{ dbt.cast('completed_tasks', double) }} / total_tasks as success_rate,
    {{ dbt.cast('task_duration_ms_sum', double) }} / total_tasks as avg_task_duration_ms
from rolled
