{#- Revenium's jobs ROI summary (GET /api/v2/analytics/jobs/roi-summary, byJobType) for each UTC day, one row per job type. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'analytics_jobs_roi_summary') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        job_type,
        total_jobs,
        {{ dbt.cast('total_cost', type_usd()) }} as total_cost,
        {{ dbt.cast('token_cost', type_usd()) }} as token_cost,
        {{ dbt.cast('modality_cost', type_usd()) }} as modality_cost,
        {{ dbt.cast('external_tool_cost', type_usd()) }} as external_tool_cost,
        {{ dbt.cast('human_cost', type_usd()) }} as human_cost,
        conversions,
        deflections,
        {{ dbt.cast('total_value', type_usd()) }} as total_value,
        average_value,
        cost_per_conversion,
        cost_per_outcome,
        roi,
        success_rate,
        tool_cost_attribution,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
