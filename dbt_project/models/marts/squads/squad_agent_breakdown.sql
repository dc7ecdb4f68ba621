{#-
    Each agent's part in a squad execution: its role ('lead' when it made a root call of one of the run's
    traces, else 'member'), calls, tokens, cost and summed call duration, and its share of the run's
    tokens, cost and duration. Dated by the execution's day (squad_executions).
-#}

with

executions as (

    select * from {{ ref('squad_executions') }}
    where {{ in_partition_window('day') }}

),

calls as (

    select * from {{ ref('int_squad_calls') }}

),

per_agent as (

    select
        calls.squad_execution_key,
        coalesce(calls.agent_name, '(unknown)') as agent_name,
        max(case when calls.role = 'lead' then 1 else 0 end) as is_lead,
        count(*) as call_count,
        {{ integer_sum('calls.total_tokens') }} as total_tokens,
        sum(calls.cost_usd) as cost_usd,
        {{ integer_sum('calls.duration_ms') }} as total_duration_ms
    from calls
    inner join executions
        on executions.squad_execution_key = calls.squad_execution_key
    group by calls.squad_execution_key, coalesce(calls.agent_name, '(unknown)')

),

totals as (

    select
        squad_execution_key,
        {{ integer_sum('total_tokens') }} as run_tokens,
        sum(cost_usd) as run_cost_usd,
        {{ integer_sum('total_duration_ms') }} as run_duration_ms
    from per_agent
    group by squad_execution_key

)

select
    executions.squad_execution_key,
    executions.source_system,
    executions.team_id,
    executions.squad_id,
    executions.squad_name,
    executions.day,
    per_agent.agent_name,
    case when per_agent.is_lead = 1 then 'lead' else 'member' end as role,
    per_agent.call_count,
    per_agent.total_tokens,
    {{ dbt.cast('per_agent.cost_usd', type_usd()) }} as cost_usd,
    per_agent.total_duration_ms,
    case when totals.run_tokens > 0
        then {{ dbt.cast('per_agent.total_tokens', type_double()) }} / totals.run_tokens end as token_share,
    case when totals.run_cost_usd > 0
        then {{ dbt.cast('per_agent.cost_usd', type_double()) }}
            / {{ dbt.cast('totals.run_cost_usd', type_double()) }} end as cost_share,
    case when totals.run_duration_ms > 0
        then {{ dbt.cast('per_agent.total_duration_ms', type_double()) }} / totals.run_duration_ms end
        as duration_share
from per_agent
inner join executions
    on executions.squad_execution_key = per_agent.squad_execution_key
inner join totals
    on totals.squad_execution_key = per_agent.squad_execution_key
