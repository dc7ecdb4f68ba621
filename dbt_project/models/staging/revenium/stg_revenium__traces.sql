{#- Revenium AI traces (GET /profitstream/v2/api/sources/metrics/ai/traces), one row per trace aggregated by Revenium. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'traces') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        trace_id,
        trace_type,
        trace_name,
        start_time,
        end_time,
        trace_duration_ms,
        transaction_count,
        error_count,
        agent_count,
        root_agent,
        input_token_count,
        output_token_count,
        total_token_count,
        {{ dbt.cast('total_cost', type_usd()) }} as total_cost,
        squad_id,
        agentic_job_id,
        environment,
        organization_id,
        organization_label,
        product_id,
        product_label,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
