{#- Revenium agentic jobs (GET /profitstream/v2/api/jobs), one row per job, dated by its creation. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'jobs') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        agentic_job_id,
        id as job_hashid,
        label as job_label,
        created_at,
        updated_at,
        name,
        job_type,
        version,
        source,
        execution_status,
        outcome_type,
        {{ dbt.cast('outcome_value', type_usd()) }} as outcome_value,
        outcome_currency,
        outcome_reported_at,
        outcome_metadata,
        has_outcome,
        outcome_amendment_count,
        outcome_updated_at,
        outcome_updated_by,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
