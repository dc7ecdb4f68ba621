{#- What each price-book change did to the list cost, per day of the calls, model and customer: the ledger's
    restatements (entries that replaced a list cost stated under another version). -#}
{{ config(materialized='table', incremental_strategy=none) }}

select
    day,
    request_model,
    organization_name,
    price_book_version,
    previous_price_book_version,
    count(*) as restated_calls,
    {{ dbt.cast('sum(previous_list_cost_usd)', type_usd()) }} as previous_list_cost_usd,
    {{ dbt.cast('sum(list_cost_usd)', type_usd()) }} as list_cost_usd,
    {{ dbt.cast('sum(restatement_usd)', type_usd()) }} as restatement_usd
from {{ ref('price_ledger') }}
where previous_price_book_version is not null
    and previous_price_book_version <> price_book_version
    and list_cost_usd is distinct from previous_list_cost_usd
group by day, request_model, organization_name, price_book_version, previous_price_book_version
