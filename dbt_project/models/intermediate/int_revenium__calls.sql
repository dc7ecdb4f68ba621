{#-
    Revenium calls of every modality in the shape of fct_ai_calls: completions, and audio, image and video
    calls (modality 'audio' / 'image' / 'video'; no tokens, cost as metered), with parent_call_id resolved: a call's parent is
    the call of the same team whose transaction_id is this call's parent_transaction_id (the earliest such
    call if a transaction id was metered twice). A partition run looks for parents from var
    trace_span_days before its window (in_trace_span_window), so a parent on an earlier day is still
    found when only a later day is rebuilt, and the lookup does not grow with the history; a full build
    looks everywhere.
-#}
with

calls as {{ cte_inlined() }} (

    select
        call_id, source_system, vendor_call_id, team_id, transaction_id, parent_transaction_id, modality,
        started_at, ended_at, day, provider_name, request_model, agent_name, operation_name, task_type,
        trace_id, trace_type, trace_name, squad_id, job_id, organization_name, product_name,
        subscriber_email, api_key_alias, environment,
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, total_tokens,
        cost_usd, cost_source, input_cost_usd, output_cost_usd, cache_read_cost_usd, cache_write_cost_usd,
        duration_ms, time_to_first_token_ms, is_error, error_reason, stop_reason
    from {{ ref('stg_revenium__completions') }}

    {% for media in [
        ref('stg_revenium__audio_metrics'),
        ref('stg_revenium__image_metrics'),
        ref('stg_revenium__video_metrics'),
    ] %}
    union all

    select
        {{ dbt.concat(["'revenium:'", 'team_id', "':'", 'metric_id']) }} as call_id,
        source_system,
        metric_id as vendor_call_id,
        team_id,
        transaction_id,
        parent_transaction_id,
        lower(metric_type) as modality,
        request_time as started_at,
        response_time as ended_at,
        day,
        lower(provider) as provider_name,
        model as request_model,
        agent as agent_name,
        lower(operation_type) as operation_name,
        task_type,
        trace_id,
        trace_type,
        trace_name,
        squad_id,
        agentic_job_id as job_id,
        organization_label as organization_name,
        product_label as product_name,
        subscriber_email,
        subscriber_credential_label as api_key_alias,
        environment,
        0 as input_tokens,
        0 as output_tokens,
        0 as cache_read_tokens,
        0 as cache_write_tokens,
        0 as reasoning_tokens,
        0 as total_tokens,
        total_cost as cost_usd,
        'vendor_reported' as cost_source,
        {{ dbt.cast('null', type_usd()) }} as input_cost_usd,
        {{ dbt.cast('null', type_usd()) }} as output_cost_usd,
        {{ dbt.cast('null', type_usd()) }} as cache_read_cost_usd,
        {{ dbt.cast('null', type_usd()) }} as cache_write_cost_usd,
        request_duration as duration_ms,
        {{ dbt.cast('null', dbt.type_bigint()) }} as time_to_first_token_ms,
        error_reason is not null as is_error,
        error_reason,
        case when error_reason is not null then 'ERROR' end as stop_reason
    from {{ media }}
    {% endfor %}

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
        and {{ in_trace_span_window('day') }}

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
        -- hashed by default: what reaches the marts is what analysts read (macros/subscriber_email.sql)
        {{ subscriber_email_for_analysts('calls.subscriber_email') }} as subscriber_email,
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
