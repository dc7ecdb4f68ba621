{#-
    Squads (groups of collaborating agents, by squad name) per UTC day and source system: their executions
    that started that day and what they added up to. Sum the days for a period (agent_count is the largest
    run's, as Revenium's squad entities report it).
-#}

with

executions as (

    select * from {{ ref('squad_executions') }}
    where {{ in_partition_window('day') }}

)

select
    day,
    source_system,
    team_id,
    squad_name,
    count(*) as execution_count,
    {{ integer_sum('trace_count') }} as trace_count,
    {{ integer_sum('llm_call_count') }} as llm_call_count,
    max(agent_count) as agent_count,
    {{ integer_sum('total_tokens') }} as total_tokens,
    {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd,
    {{ dbt.cast('sum(llm_cost_usd)', type_usd()) }} as llm_cost_usd,
    {{ integer_sum('duration_ms') }} as total_duration_ms,
    {{ integer_sum("case when status = 'SUCCESS' then 1 else 0 end") }} as success_count,
    {{ integer_sum("case when status = 'PARTIAL' then 1 else 0 end") }} as partial_count,
    {{ integer_sum("case when status = 'FAILED' then 1 else 0 end") }} as failed_count,
    min(started_at) as first_execution_at,
    max(started_at) as last_execution_at
from executions
group by day, source_system, team_id, squad_name
