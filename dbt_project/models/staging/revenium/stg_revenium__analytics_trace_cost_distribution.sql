{#- Revenium's trace cost scatter (family C: GET /api/v2/analytics/trace-cost-distribution, dataPoints), one row per trace, dated by its start. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'analytics_trace_cost_distribution') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        transaction_id,
        trace_id,
        agent_name,
        {{ dbt.cast('total_cost', type_usd()) }} as total_cost,
        total_calls,
        distinct_tools,
        trace_start,
        trace_end,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
