{#-
    One row per Helicone user (Helicone-User-Id) and UTC day (POST /v1/user/metrics/query, asked per day).
    Helicone's total_prompt_tokens EXCLUDE cache tokens (kept as vendor_prompt_tokens: no cache counts to
    convert with).
-#}
with

source as (

    select * from {{ source('helicone', 'user_metrics') }}

),

renamed as (

    select
        'helicone' as source_system,
        user_id,
        _day as day,
        first_active as first_active_at,
        last_active as last_active_at,
        total_requests as call_count,
        {{ dbt.cast('cost', type_usd()) }} as cost_usd,
        total_prompt_tokens as vendor_prompt_tokens,
        total_completion_tokens as output_tokens,
        average_tokens_per_request as vendor_avg_tokens_per_request,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
