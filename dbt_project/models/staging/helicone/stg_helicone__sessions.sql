{#-
    One row per Helicone session and UTC day (POST /v1/session/query, asked per day): a session is a trace
    (Helicone-Session-Id = trace_id, Helicone-Session-Name = trace_name), aggregated by Helicone over its
    requests of that day. Helicone's session prompt_tokens EXCLUDE cache tokens and the session carries no
    cache counts, so they cannot be converted to docs/conventions.md here: they are kept as vendor_prompt_tokens
    (int_helicone__sessions adds the converted totals from the requests).
-#}
with

source as (

    select * from {{ source('helicone', 'sessions') }}

),

renamed as (

    select

        ---------- ids
        {{ dbt.concat(["'helicone:'", 'session_id']) }} as session_key,
        'helicone' as source_system,
        session_id as trace_id,
        session_name as trace_name,
        user_ids,

        ---------- time
        _day as day,
        created_at as started_at,
        latest_request_created_at as last_request_at,

        ---------- measures (as Helicone reports them)
        total_requests as call_count,
        {{ dbt.cast('total_cost', type_usd()) }} as cost_usd,
        prompt_tokens as vendor_prompt_tokens,
        completion_tokens as output_tokens,
        total_tokens as vendor_total_tokens,
        avg_latency as avg_duration_ms,

        ---------- bookkeeping
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
