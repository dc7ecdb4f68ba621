{#- Revenium's own aggregated figures (family B: GET /api/v2/analytics/<endpoint> - cost-by-*-aggregated, cost-by-vendor, revenue-per-*, profit-margin-per-*, tool and task figures, response and agent times, top-movers) for each UTC day, one row per (endpoint, group, metric); an endpoint asked with parameters is named with its query, e.g. top-movers?groupBy=model. Rename and cast only. -#}
with

source as (

    select * from {{ source('revenium', 'analytics_aggregated') }}

),

renamed as (

    select
        'revenium' as source_system,
        team_id,
        endpoint,
        group_name,
        metric_label,
        metric_result,
        metric_type,
        current_value,
        previous_value,
        trend,
        _day as day,
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
