{#- Revenium image metrics (GET /profitstream/v2/api/sources/metrics/ai/images), one row per metered call. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'image_metrics') }}

),

renamed as (

    select
        {{ revenium_metric_columns() }},
        billing_unit,
        requested_image_count,
        actual_image_count,
        resolution,
        quality,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
