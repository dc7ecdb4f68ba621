{#-
    One row per squad execution (a run of a multi-agent workflow: the calls sharing one squad_id within a
    team and source system), dated by the UTC day of its first call. Status follows Revenium's rule over the
    run's LLM calls: SUCCESS without failed calls, FAILED when every trace's root call failed, else PARTIAL.
    media_* columns hold the audio/image/video calls, which Revenium's execution figures leave out.
-#}

with

{# int_squad_calls holds, in a partition run, the calls within var trace_span_days of the window #}
calls as (

    select * from {{ ref('int_squad_calls') }}

),

starts as (

    select squad_execution_key, min(day) as day
    from calls
    group by squad_execution_key

),

run_calls as (

    select calls.*
    from calls
    inner join starts
        on starts.squad_execution_key = calls.squad_execution_key
    where {{ in_partition_window('starts.day') }}

),

traces as (

    {#- per trace of the run: did its root (lead) LLM call fail -#}
    select
        squad_execution_key,
        trace_id,
        max(case when role = 'lead' and is_llm_call and is_error then 1 else 0 end) as root_failed
    from run_calls
    group by squad_execution_key, trace_id

),

trace_roll as (

    select squad_execution_key, count(*) as trace_count, {{ integer_sum('root_failed') }} as failed_root_count
    from traces
    group by squad_execution_key

),

rolled as (

    select
        squad_execution_key,
        min(source_system) as source_system,
        min(team_id) as team_id,
        min(squad_id) as squad_id,
        min(squad_name) as squad_name,
        min(day) as day,
        min(started_at) as started_at,
        max(ended_at) as ended_at,
        count(distinct agent_name) as agent_count,
        {{ integer_sum('case when is_llm_call then 1 else 0 end') }} as llm_call_count,
        {{ integer_sum('case when is_llm_call and is_error then 1 else 0 end') }} as llm_error_count,
        {{ integer_sum('case when is_llm_call then 0 else 1 end') }} as media_call_count,
        {{ integer_sum('total_tokens') }} as total_tokens,
        sum(case when is_llm_call then cost_usd else 0 end) as llm_cost_usd,
        sum(case when is_llm_call then 0 else cost_usd end) as media_cost_usd,
        sum(cost_usd) as cost_usd
    from run_calls
    group by squad_execution_key

)

select
    rolled.squad_execution_key,
    rolled.source_system,
    rolled.team_id,
    rolled.squad_id,
    rolled.squad_name,
    rolled.day,
    rolled.started_at,
    rolled.ended_at,
    {{ milliseconds_between('rolled.started_at', 'rolled.ended_at') }} as duration_ms,
    trace_roll.trace_count,
    rolled.agent_count,
    rolled.llm_call_count,
    rolled.llm_error_count,
    rolled.media_call_count,
    rolled.total_tokens,
    {{ dbt.cast('rolled.llm_cost_usd', type_usd()) }} as llm_cost_usd,
    {{ dbt.cast('rolled.media_cost_usd', type_usd()) }} as media_cost_usd,
    {{ dbt.cast('rolled.cost_usd', type_usd()) }} as cost_usd,
    case
        when rolled.llm_error_count = 0 then 'SUCCESS'
        when trace_roll.failed_root_count = trace_roll.trace_count then 'FAILED'
        else 'PARTIAL'
    end as status
from rolled
inner join trace_roll
    on trace_roll.squad_execution_key = rolled.squad_execution_key
