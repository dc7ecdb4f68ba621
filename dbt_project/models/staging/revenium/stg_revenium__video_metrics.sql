{#- Revenium video metrics (GET /profitstream/v2/api/sources/metrics/ai/video), one row per metered call. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'video_metrics') }}

),

renamed as (

    select
        {{ revenium_metric_columns() }},
        billing_unit,
        duration_seconds,
        requested_duration_seconds,
        credits_consumed,
        credit_rate,
        fps,
        resolution,
        completion_status,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
