{#-
    The ordered events of a squad execution, for a waterfall: one row per call of the run, numbered by
    start time (then call_id), with its offset from the run's start, agent, role, model, tokens and cost.
    Dated by the execution's day (squad_executions), so a run's events stay together.
-#}

with

executions as (

    select * from {{ ref('squad_executions') }}
    where {{ in_partition_window('day') }}

),

calls as (

    select * from {{ ref('int_squad_calls') }}

)

select
    executions.squad_execution_key,
    executions.source_system,
    executions.team_id,
    executions.squad_id,
    executions.squad_name,
    executions.day,
    row_number() over (
        partition by executions.squad_execution_key order by calls.started_at, calls.call_id
    ) as event_sequence,
    calls.call_id,
    calls.trace_id,
    calls.agent_name,
    calls.role,
    calls.modality,
    calls.is_llm_call,
    calls.started_at,
    calls.ended_at,
    calls.duration_ms,
    {{ milliseconds_between('executions.started_at', 'calls.started_at') }} as start_offset_ms,
    calls.request_model,
    calls.provider_name,
    calls.operation_name,
    calls.input_tokens,
    calls.output_tokens,
    calls.total_tokens,
    {{ dbt.cast('calls.cost_usd', type_usd()) }} as cost_usd,
    calls.is_error
from calls
inner join executions
    on executions.squad_execution_key = calls.squad_execution_key
