{#- What each vendor charged against the list price in force, per day, vendor and model. -#}
{{ config(meta={'restated_with_price_book': true}) }}

select
    day,
    source_system,
    provider_name,
    request_model,
    max(price_model_id) as price_model_id,
    count(*) as calls,
    {{ integer_sum("case when pricing_status = 'priced' then 1 else 0 end") }} as priced_calls,
    {{ dbt.cast('sum(vendor_cost_usd)', type_usd()) }} as vendor_cost_usd,
    {{ dbt.cast("sum(case when pricing_status = 'priced' then vendor_cost_usd end)", type_usd()) }} as priced_vendor_cost_usd,
    {{ dbt.cast('sum(list_cost_usd)', type_usd()) }} as list_cost_usd,
    {{ dbt.cast('sum(variance_usd)', type_usd()) }} as variance_usd,
    {{ safe_ratio('sum(variance_usd)', 'sum(list_cost_usd)') }} as variance_ratio,
    max(price_book_version) as price_book_version
from {{ ref('fct_priced_calls') }}
where {{ price_book_window('day', ref('int_price_book_version')) }}
group by day, source_system, provider_name, request_model
