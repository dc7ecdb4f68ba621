{#-
    One row per Helicone request. Renames to the docs/conventions.md names, reads the dimension columns out of the
    custom properties through the helicone_property_map var (macros/helicone_property_map.sql), the trace
    (Helicone session) from the Helicone-Session-* properties, and converts Helicone's token convention
    (prompt_tokens EXCLUDES cache read/write tokens) to OTel GenAI's (input_tokens INCLUDES them).
-#}
{%- set property_map = helicone_property_map() -%}

with

source as (

    select * from {{ source('helicone', 'requests') }}

),

renamed as (

    select

        ---------- ids
        {{ dbt.concat(["'helicone:'", 'request_id']) }} as call_id,
        'helicone' as source_system,
        request_id as vendor_call_id,
        response_id,
        request_user_id as user_id,
        prompt_id,
        prompt_version,

        ---------- trace (Helicone session)
        {{ json_extract_text('properties', 'Helicone-Session-Id') }} as trace_id,
        {{ json_extract_text('properties', 'Helicone-Session-Name') }} as trace_name,
        {{ json_extract_text('properties', 'Helicone-Session-Path') }} as trace_path,
        {{ parent_path(json_extract_text('properties', 'Helicone-Session-Path')) }} as parent_trace_path,

        ---------- dimensions (custom properties, var helicone_property_map)
        {%- for column_name, property_key in property_map.items() %}
        {{ json_extract_text('properties', property_key) }} as {{ column_name }},
        {%- endfor %}
        lower(provider) as provider_name,
        coalesce(request_model, model) as request_model,
        response_model,
        model as vendor_model,
        country_code,
        target_url,
        request_path,
        cache_enabled,
        cache_reference_id,
        properties,
        scores,

        ---------- outcome
        response_status,
        coalesce(response_status >= 400, false) as is_error,

        ---------- tokens (docs/conventions.md: input includes cached input; output includes reasoning)
        coalesce(prompt_tokens, 0)
            + coalesce(prompt_cache_read_tokens, 0)
            + coalesce(prompt_cache_write_tokens, 0) as input_tokens,
        coalesce(completion_tokens, 0) as output_tokens,
        coalesce(prompt_cache_read_tokens, 0) as cache_read_tokens,
        coalesce(prompt_cache_write_tokens, 0) as cache_write_tokens,
        coalesce(reasoning_tokens, 0) as reasoning_tokens,
        coalesce(prompt_tokens, 0)
            + coalesce(prompt_cache_read_tokens, 0)
            + coalesce(prompt_cache_write_tokens, 0)
            + coalesce(completion_tokens, 0) as total_tokens,

        ---------- cost (USD, as Helicone reported it)
        {{ dbt.cast('cost', type_usd()) }} as cost_usd,
        'vendor_reported' as cost_source,

        ---------- timings
        request_created_at as started_at,
        response_created_at as ended_at,
        -- the loader's partition day (= the UTC date of request_created_at): a filter on it prunes by day
        _day as day,
        delay_ms as duration_ms,
        time_to_first_token as time_to_first_token_ms,

        ---------- bookkeeping
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
