{#- Revenium's own time series (family A: GET /api/v2/analytics/cost-by-<dimension>, tokens-per-minute, token-vs-tool-cost, task-completion) per UTC day, one row per (endpoint, bucket, group, metric); a day's window gives hourly buckets; an endpoint asked with parameters is named with its query, e.g. tokens-per-minute?tokenType=TOTAL. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'analytics_timeseries') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        endpoint,
        bucket_start,
        bucket_end,
        group_name,
        metric_label,
        metric_result,
        metric_type,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
