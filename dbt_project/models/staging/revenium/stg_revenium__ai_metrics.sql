{#- Revenium AI metrics of every modality, common fields only (GET /profitstream/v2/api/sources/metrics/ai with metricType), one row per metered call of the modalities the source asks for. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'ai_metrics') }}

),

renamed as (

    select
        {{ revenium_metric_columns() }},
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
