{#- Revenium squad definitions (GET /profitstream/v2/api/squads/entities with period), a snapshot per run stored under each day of the run's window. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'squad_entities') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        id as squad_entity_id,
        resource_type,
        label as squad_name,
        description,
        source,
        execution_count,
        {{ dbt.cast('total_cost', type_usd()) }} as total_cost,
        agent_count,
        trace_count,
        first_execution_time,
        last_execution_time,
        success_count,
        partial_count,
        failed_count,
        requested_period,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
