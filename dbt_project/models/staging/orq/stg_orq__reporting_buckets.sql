{#-
    One row per orq.ai reporting bucket metric: (requested_metric, bucket_start, dimensions, metric_key),
    long as orq returns it. Dimension columns renamed to the docs/conventions.md names (project = product,
    identity = organization); provider lower-cased like the other sources.
-#}
with

source as (

    select * from {{ source('orq', 'reporting_buckets') }}

),

renamed as (

    select

        ---------- ids
        'orq' as source_system,
        requested_metric,
        metric_key,
        dimensions,

        ---------- dimensions
        project as product_name,
        lower(provider) as provider_name,
        model as request_model,
        agent as agent_name,
        identity as organization_name,

        ---------- measure
        metric_value,

        ---------- time
        grain,
        bucket_start,
        {{ utc_hour('bucket_start') }} as hour_start,
        {{ utc_date('bucket_start') }} as day,

        ---------- bookkeeping
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
