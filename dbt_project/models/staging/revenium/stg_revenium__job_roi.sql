{#- Revenium per-job ROI (GET /profitstream/v2/api/jobs/{id}/roi) for the jobs the source details; _day = the job's creation day. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'job_roi') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        agentic_job_id,
        agentic_job_name,
        agentic_job_type,
        {{ dbt.cast('total_cost', type_usd()) }} as total_cost,
        {{ dbt.cast('outcome_value', type_usd()) }} as outcome_value,
        outcome_currency,
        roi_pct,
        execution_status,
        outcome_type,
        has_outcome,
        transaction_count,
        input_tokens,
        output_tokens,
        total_tokens,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
