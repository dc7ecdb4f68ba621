{#-
    One row per Revenium metered completion (any modality). Renames to the docs/conventions.md names and converts
    Revenium's token convention (input_token_count EXCLUDES cache read/creation tokens) to OTel GenAI's
    (input_tokens INCLUDES them). call_id = 'revenium:' || team_id || ':' || id (the raw key is (team_id, id)).
-#}
with

source as (

    select * from {{ source('revenium', 'completions') }}

),

renamed as (

    select

        ---------- ids
        {{ dbt.concat(["'revenium:'", 'team_id', "':'", 'id']) }} as call_id,
        'revenium' as source_system,
        id as vendor_call_id,
        team_id,
        transaction_id,
        parent_transaction_id,
        trace_id,
        squad_id,
        agentic_job_id as job_id,
        organization_id,
        product_id,
        subscriber_id,
        subscriber_credential_id,
        subscription_id,

        ---------- dimensions
        lower(metric_type) as modality,
        lower(provider) as provider_name,
        model as request_model,
        model_source,
        lower(operation_type) as operation_name,
        agent as agent_name,
        task_type,
        trace_type,
        trace_name,
        environment,
        region,
        organization_label as organization_name,
        product_label as product_name,
        subscriber_email,
        subscriber_credential_label as api_key_alias,
        is_streamed,

        ---------- outcome
        coalesce(upper(stop_reason) = 'ERROR', false) as is_error,
        stop_reason,
        error_reason,

        ---------- tokens (docs/conventions.md: input includes cached input; output includes reasoning)
        coalesce(input_token_count, 0)
            + coalesce(cache_read_token_count, 0)
            + coalesce(cache_creation_token_count, 0) as input_tokens,
        coalesce(output_token_count, 0) as output_tokens,
        coalesce(cache_read_token_count, 0) as cache_read_tokens,
        coalesce(cache_creation_token_count, 0) as cache_write_tokens,
        coalesce(reasoning_token_count, 0) as reasoning_tokens,
        coalesce(input_token_count, 0)
            + coalesce(cache_read_token_count, 0)
            + coalesce(cache_creation_token_count, 0)
            + coalesce(output_token_count, 0) as total_tokens,
        tokens_per_minute,

        ---------- cost (USD, as Revenium reported it, with its split)
        {{ dbt.cast('total_cost', type_usd()) }} as cost_usd,
        'vendor_reported' as cost_source,
        {{ dbt.cast('input_token_cost', type_usd()) }} as input_cost_usd,
        {{ dbt.cast('output_token_cost', type_usd()) }} as output_cost_usd,
        {{ dbt.cast('cache_read_token_cost', type_usd()) }} as cache_read_cost_usd,
        {{ dbt.cast('cache_creation_token_cost', type_usd()) }} as cache_write_cost_usd,

        ---------- timings
        request_time as started_at,
        response_time as ended_at,
        completion_start_time as first_token_at,
        -- the loader's partition day (= the UTC date of request_time): a filter on it prunes by day
        _day as day,
        request_duration as duration_ms,
        time_to_first_token as time_to_first_token_ms,

        ---------- bookkeeping
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
