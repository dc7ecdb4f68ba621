{#- Which models the price book prices, per vendor: the share of each model's spend with a list price, over
    the whole history. A model with priced_spend_share 0 is missing from the price book (add an override). -#}
{{ config(materialized='table', incremental_strategy=none) }}

select
    source_system,
    provider_name,
    request_model,
    max(price_model_id) as price_model_id,
    case
        when min(pricing_status) = max(pricing_status) then min(pricing_status)
        else 'partly priced'
    end as pricing_status,
    min(day) as first_day,
    max(day) as last_day,
    count(*) as calls,
    {{ integer_sum("case when pricing_status = 'priced' then 0 else 1 end") }} as unpriced_calls,
    {{ dbt.cast('sum(vendor_cost_usd)', type_usd()) }} as vendor_cost_usd,
    {{ dbt.cast("sum(case when pricing_status = 'priced' then vendor_cost_usd else 0 end)", type_usd()) }} as priced_vendor_cost_usd,
    {{ safe_ratio("sum(case when pricing_status = 'priced' then vendor_cost_usd else 0 end)", 'sum(vendor_cost_usd)') }} as priced_spend_share,
    max(price_book_version) as price_book_version
from {{ ref('fct_priced_calls') }}
group by source_system, provider_name, request_model
