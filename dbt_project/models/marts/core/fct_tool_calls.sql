{#-
    One row per tool invocation metered by Revenium (tool events), linked to the AI call that made it:
    call_id is the Revenium call of the same team whose transaction_id is the event's transaction id (the
    earliest such call if a transaction id was metered twice), looked up from var trace_span_days before to
    as many days after the partition window (in_trace_span_window), so a call on an earlier day is still found
    when only a later day is rebuilt and the lookup does not grow with the history; a full build looks
    everywhere. Incremental by partition window.
-#}
with

events as (

    select * from {{ ref('stg_revenium__tool_events') }}
    where {{ in_partition_window('day') }}

),

calls as (

    select
        team_id,
        transaction_id,
        call_id,
        row_number() over (partition by team_id, transaction_id order by started_at, call_id) as owner_rank
    from {{ ref('stg_revenium__completions') }}
    where transaction_id is not null
        and {{ in_trace_span_window('day', after=true) }}

),

linked as (

    select
        {{ dbt.concat(["'revenium:'", 'events.team_id', "':'", 'events.tool_event_id']) }} as tool_call_id,
        events.source_system,
        events.tool_event_id as vendor_tool_call_id,
        events.team_id,
        events.event_time as called_at,
        events.day,
        events.tool_id,
        events.tool_name,
        events.tool_type,
        events.tool_provider,
        events.operation,
        events.agent as agent_name,
        events.organization_name,
        events.product_name,
        events.subscriber_credential as api_key_alias,
        events.workflow_id,
        events.trace_id,
        events.transaction_id,
        calls.call_id,
        events.success as is_success,
        not coalesce(events.success, false) as is_error,
        events.error_message,
        events.duration_ms,
        events.cost_usd,
        'vendor_reported' as cost_source
    from events
    left join calls
        on calls.team_id = events.team_id
        and calls.transaction_id = events.transaction_id
        and calls.owner_rank = 1

)

select * from linked
