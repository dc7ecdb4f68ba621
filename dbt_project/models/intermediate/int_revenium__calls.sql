{#-
    Revenium completions in the shape of fct_ai_calls, with parent_call_id resolved: a call's parent is
    the call of the same team whose transaction_id is this call's parent_transaction_id (the earliest such
    call if a transaction id was metered twice). The lookup reads the whole history, so a parent on an
    earlier day is still found when only a later day is rebuilt.
-#}
with

calls as (

    select * from {{ ref('stg_revenium__completions') }}

),

transaction_owners as (

    select
        team_id,
        transaction_id,
        call_id,
        row_number() over (
            partition by team_id, transaction_id
            order by started_at, call_id
        ) as owner_rank
    from calls
    where transaction_id is not null

),

linked as (

    select
        calls.call_id,
        calls.source_system,
        calls.vendor_call_id,
        calls.team_id,
        calls.modality,
        calls.started_at,
        calls.ended_at,
        calls.day,
        calls.provider_name,
        calls.request_model,
        calls.agent_name,
        calls.operation_name,
        calls.task_type,
        calls.trace_id,
        parents.call_id as parent_call_id,
        calls.trace_type,
        calls.trace_name,
        calls.squad_id,
        calls.job_id,
        calls.organization_name,
        calls.product_name,
        calls.subscriber_email,
        calls.api_key_alias,
        calls.environment,
        calls.input_tokens,
        calls.output_tokens,
        calls.cache_read_tokens,
        calls.cache_write_tokens,
        calls.reasoning_tokens,
        calls.total_tokens,
        calls.cost_usd,
        calls.cost_source,
        calls.input_cost_usd,
        calls.output_cost_usd,
        calls.cache_read_cost_usd,
        calls.cache_write_cost_usd,
        calls.duration_ms,
        calls.time_to_first_token_ms,
        calls.is_error,
        calls.error_reason,
        calls.stop_reason

    from calls
    left join transaction_owners as parents
        on parents.team_id = calls.team_id
        and parents.transaction_id = calls.parent_transaction_id
        and parents.owner_rank = 1
        and parents.call_id <> calls.call_id

)

select * from linked
