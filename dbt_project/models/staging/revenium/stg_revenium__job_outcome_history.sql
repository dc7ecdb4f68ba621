{#- Revenium job outcome history (GET /profitstream/v2/api/jobs/{id}/outcome/history, bare array) for the jobs the source details; _day = the job's creation day. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'job_outcome_history') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        agentic_job_id,
        amendment_sequence,
        execution_status,
        outcome_type,
        {{ dbt.cast('outcome_value', type_usd()) }} as outcome_value,
        outcome_currency,
        outcome_metadata,
        reported_by,
        reported_at,
        reason,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
