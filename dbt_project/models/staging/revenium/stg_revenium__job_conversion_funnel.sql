{#- Revenium's job conversion funnel (GET /profitstream/v2/api/jobs/conversion-funnel) for each UTC day. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'job_conversion_funnel') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        total_jobs,
        successful_jobs,
        converted_jobs,
        success_rate,
        conversion_rate,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
