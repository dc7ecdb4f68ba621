{#- Every call (fct_ai_calls row) with the list cost the price book in force gives it (its latest ledger entry)
    beside the vendor's cost. Rebuilt whole when the price book changed (price_book_window). -#}
{{ config(meta={'restated_with_price_book': true}) }}
{%- set restated_days = price_book_window('day', ref('int_price_book_version')) %}

with version as (
    select price_book_version from {{ ref('int_price_book_version') }}
),

calls as (
    select * from {{ ref('fct_ai_calls') }} where {{ restated_days }}
),

latest as (
    select *
    from (
        select
            ledger.*,
            row_number() over (partition by call_id order by entry_number desc) as pick
        from {{ ref('price_ledger') }} as ledger
        where {{ restated_days }}
    ) as ranked
    where pick = 1
)

select
    calls.call_id,
    calls.source_system,
    {{- priced_call_dimensions('calls') }}
    coalesce(latest.pricing_status, 'not priced yet') as pricing_status,
    latest.price_model_id,
    latest.price_source,
    latest.price_effective_from,
    {{ dbt.cast('calls.cost_usd', type_usd()) }} as vendor_cost_usd,
    latest.list_cost_usd,
    {{ dbt.cast('calls.cost_usd - latest.list_cost_usd', type_usd()) }} as variance_usd,
    latest.price_book_version as priced_under_version,
    version.price_book_version
from calls
cross join version
left join latest on latest.call_id = calls.call_id
