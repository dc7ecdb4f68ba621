{#- Helicone's own total cost per UTC day (its metrics endpoint), for reconciliation. -#}
with

source as (

    select * from {{ source('helicone', 'metrics_total_cost') }}

),

renamed as (

    select

        ---------- ids
        'helicone' as source_system,
        _day as day,

        ---------- cost
        {{ dbt.cast('cost_usd', type_usd()) }} as cost_usd,
        'vendor_reported' as cost_source,

        ---------- bookkeeping
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
