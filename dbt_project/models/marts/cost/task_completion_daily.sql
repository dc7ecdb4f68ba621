{#-
    Tasks started, completed and failed per agent and day, with their summed duration (macro agent_tasks:
    a task is a trace, owned by its root call's agent, completed when that call did not fail). Additive:
    a period's success rate is sum(completed_tasks) / sum(total_tasks) and its mean duration
    sum(task_duration_ms_sum) / sum(total_tasks). Incremental by partition window (day); reads one day
    past the window so a task running past midnight keeps its end.
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set double = type_double() -%}

with

tasks as (
    {{ agent_tasks(ref('fct_ai_calls'), in_widened_window('day', 0, 1)) }}
),

per_agent as (

    select
        day,
        source_system,
        agent_name,
        {{ dbt.cast('count(*)', bigint) }} as total_tasks,
        {{ dbt.cast('sum(case when is_completed then 1 else 0 end)', bigint) }} as completed_tasks,
        {{ dbt.cast('sum(duration_ms)', bigint) }} as task_duration_ms_sum
    from tasks
    where {{ in_partition_window('day') }}
    group by day, source_system, agent_name

)

select
    *,
    total_tasks - completed_tasks as failed_tasks,
    {{ dbt.cast('completed_tasks', double) }} / total_tasks as success_rate,
    {{ dbt.cast('task_duration_ms_sum', double) }} / total_tasks as avg_task_duration_ms
from per_agent
