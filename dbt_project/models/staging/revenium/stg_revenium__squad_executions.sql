{#- Revenium squad executions (GET /profitstream/v2/api/squads with period, bare array), with transactionCount/errorCount from GET /squads/{squadId}; dated by startTime. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'squad_executions') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        id as squad_id,
        resource_type,
        label as squad_label,
        squad_name,
        start_time,
        end_time,
        duration_ms,
        agent_count,
        trace_count,
        {{ dbt.cast('total_cost', type_usd()) }} as total_cost,
        status,
        transaction_count,
        error_count,
        requested_period,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
