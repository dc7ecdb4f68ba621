{#-
    The calls of squad executions: every call of fct_ai_calls with a squad_id (one execution = one
    squad_id of one team and source system, as Revenium's squadId names an execution), its role in the
    run ('lead' for a trace's root call, else 'member', as Revenium's squad timeline), whether it is an LLM
    call (not audio/image/video), and the squad's name from Revenium's squad executions when known
    (else the squad_id).
-#}
with

calls as (

    select * from {{ ref('fct_ai_calls') }}
    where squad_id is not null
        {# a partition run reads the calls from var trace_span_days before to as many days after its window, as
            the trace marts do, so the squad marts' cost does not grow with the history: an execution is dated
            by its first call within that span (a full build reads everything) #}
        and {{ in_trace_span_window('day', after=true) }}

),

names as (

    select team_id, squad_id, min(squad_name) as squad_name
    from {{ ref('stg_revenium__squad_executions') }}
    group by team_id, squad_id

)

select
    {{ dbt.concat(['calls.source_system', "':'", "coalesce(calls.team_id, '')", "':'", 'calls.squad_id']) }}
        as squad_execution_key,
    calls.source_system,
    calls.team_id,
    calls.squad_id,
    coalesce(names.squad_name, calls.squad_id) as squad_name,
    calls.call_id,
    calls.trace_id,
    calls.day,
    calls.started_at,
    calls.ended_at,
    calls.duration_ms,
    calls.agent_name,
    calls.request_model,
    calls.provider_name,
    calls.operation_name,
    calls.modality,
    case when calls.modality in ('audio', 'image', 'video') then false else true end as is_llm_call,
    case when calls.parent_call_id is null then 'lead' else 'member' end as role,
    calls.input_tokens,
    calls.output_tokens,
    calls.total_tokens,
    calls.cost_usd,
    calls.is_error
from calls
left join names
    on names.squad_id = calls.squad_id
    and names.team_id = calls.team_id
