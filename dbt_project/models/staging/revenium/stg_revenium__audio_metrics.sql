{#- Revenium audio metrics (GET /profitstream/v2/api/sources/metrics/ai/audio), one row per metered call. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'audio_metrics') }}

),

renamed as (

    select
        {{ revenium_metric_columns() }},
        billing_unit,
        duration_seconds,
        character_count,
        language,
        voice,
        audio_format,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
