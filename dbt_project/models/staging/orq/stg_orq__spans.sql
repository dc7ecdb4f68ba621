{#-
    One row per orq.ai span. Renames to the docs/conventions.md names and converts orq's OpenAI-style usage to
    the token convention of docs/conventions.md: prompt_tokens already INCLUDES prompt_cached_tokens (and any cache writes, which
    orq does not break out), completion_tokens already INCLUDES completion_reasoning_tokens, so
    input_tokens = prompt_tokens, output_tokens = completion_tokens, cache_read_tokens = prompt_cached_tokens,
    reasoning_tokens = completion_reasoning_tokens and cache_write_tokens = 0 (not reported). Nothing is added
    up: adding the cached tokens again (as for Helicone) would count them twice.
-#}
with

source as (

    select * from {{ source('orq', 'spans') }}

),

renamed as (

    select

        ---------- ids
        {{ dbt.concat(["'orq:'", 'span_id']) }} as call_id,
        'orq' as source_system,
        span_id as vendor_call_id,
        span_id,
        parent_span_id,
        trace_id,
        {{ dbt.concat(["'orq:'", 'parent_span_id']) }} as parent_call_id,

        ---------- what
        name as span_name,
        type as span_type,
        operation as operation_name,
        lower(provider) as provider_name,
        model as request_model,

        ---------- outcome
        status,
        coalesce(status = 'error', false) as is_error,

        ---------- tokens (docs/conventions.md: input includes cached input; output includes reasoning)
        coalesce(prompt_tokens, 0) as input_tokens,
        coalesce(completion_tokens, 0) as output_tokens,
        coalesce(prompt_cached_tokens, 0) as cache_read_tokens,
        0 as cache_write_tokens,
        coalesce(completion_reasoning_tokens, 0) as reasoning_tokens,
        coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0) as total_tokens,

        ---------- cost (USD, as orq reported it)
        {{ dbt.cast('cost_total', type_usd()) }} as cost_usd,
        'vendor_reported' as cost_source,
        {{ dbt.cast('cost_input', type_usd()) }} as input_cost_usd,
        {{ dbt.cast('cost_output', type_usd()) }} as output_cost_usd,
        {{ dbt.cast('cost_cache_read', type_usd()) }} as cache_read_cost_usd,
        {{ dbt.cast('cost_cache_write', type_usd()) }} as cache_write_cost_usd,
        cost_currency,

        ---------- timings
        started_at,
        ended_at,
        {{ utc_date('started_at') }} as day,
        -- the loader's partition day: the UTC day the span's trace started (spans are landed with their trace)
        _day as trace_day,
        {{ dbt.cast('round(duration_ms)', dbt.type_bigint()) }} as duration_ms,

        ---------- bookkeeping
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
