{#- Revenium tool events (GET /profitstream/v2/api/sources/metrics/tool/events), one row per tool invocation. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'tool_events') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        id as tool_event_id,
        tool_id,
        tool_name,
        tool_type,
        tool_provider,
        operation,
        transaction_id,
        trace_id,
        agent,
        duration_ms,
        success,
        error_message,
        {{ dbt.cast('cost_usd', type_usd()) }} as cost_usd,
        event_time,
        organization_name,
        product_name,
        subscriber_credential,
        workflow_id,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
