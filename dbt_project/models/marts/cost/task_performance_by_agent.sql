{{ config(meta={'partition_window_column': 'period_end'}) }}
{#-
    Task performance per agent and rolling period (macros/analytics_periods.sql): tasks, completed tasks,
    success rate and task duration (mean and true p50 / p95 over the period's tasks). Revenium's
    task-performance-by-agent. Incremental on period_end.
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set double = type_double() -%}

with

tasks as (
    {{ agent_tasks(ref('fct_ai_calls'), in_widened_window('day', analytics_period_days() | max - 1, 1)) }}
),

rolled as (
    {{ rollup_by_period('tasks', ['source_system', 'agent_name'], {
        'days_with_tasks': dbt.cast('count(distinct tasks.day)', bigint),
        'total_tasks': dbt.cast('count(*)', bigint),
        'completed_tasks': dbt.cast('sum(case when tasks.is_completed then 1 else 0 end)', bigint),
        'task_duration_ms_sum': dbt.cast('sum(tasks.duration_ms)', bigint),
        'p50_task_duration_ms': dbt.cast('percentile_cont(0.5) within group (order by tasks.duration_ms)', double),
        'p95_task_duration_ms': dbt.cast('percentile_cont(0.95) within group (order by tasks.duration_ms)', double),
    }) }}
)

select
    *,
    {{ dbt.cast('completed_tasks', double) }} / total_tasks as success_rate,
    {{ dbt.cast('task_duration_ms_sum', double) }} / total_tasks as avg_task_duration_ms
from rolled
