{#- Revenium's own daily cost per provider (its analytics endpoint), for reconciliation. -#}
with

source as (

    select * from {{ source('revenium', 'analytics_cost_by_provider') }}

),

renamed as (

    select

        ---------- ids
        'revenium' as source_system,
        team_id,
        _day as day,

        ---------- dimensions
        lower(group_name) as provider_name,
        group_name as vendor_provider_name,

        ---------- cost
        {{ dbt.cast('cost_usd', type_usd()) }} as cost_usd,
        'vendor_reported' as cost_source,

        ---------- bookkeeping
        _dlt_load_id as dlt_load_id

    from source

)

select * from renamed
