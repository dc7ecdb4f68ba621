{#- Revenium squad timelines (GET /profitstream/v2/api/squads/{squadId}/timeline events), one row per call of a squad execution. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'squad_timeline_events') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        squad_id,
        id as transaction_id,
        trace_id,
        agent,
        role,
        start_time,
        end_time,
        duration_ms,
        model,
        provider,
        operation_type,
        input_tokens,
        output_tokens,
        total_tokens,
        {{ dbt.cast('cost', type_usd()) }} as cost,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
