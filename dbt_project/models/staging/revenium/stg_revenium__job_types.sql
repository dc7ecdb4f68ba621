{#- Revenium job types (GET /profitstream/v2/api/jobs/types, bare array of strings), a snapshot per run stored under each day of the run's window. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'job_types') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        job_type,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
