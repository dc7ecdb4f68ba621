{#- The price book in force: the list prices (seeds) and the overrides (var price_overrides), typed. -#}
{% set seconds_of = "cast(substr({0}, 1, 2) as integer) * 3600 + cast(substr({0}, 4, 2) as integer) * 60 + cast(substr({0}, 7, 2) as integer)" %}
{% set per_million = "cast({0} as " ~ type_usd() ~ ") * cast(1000000 / cast({1} as integer) as integer)" %}

with list_prices as (
    select
        price_source,
        source_version,
        provider_id,
        model_id as model_key,
        cast(price_set as integer) as price_set,
        {{ dbt.cast(dbt.cast("nullif(starts_on, '')", api.Column.translate_type('date')), api.Column.translate_type('timestamp')) }} as starts_at,
        {{ dbt.cast('null', api.Column.translate_type('timestamp')) }} as ends_at,
        case when nullif(time_of_day_from, '') is not null then {{ seconds_of.format('time_of_day_from') }} end as second_from,
        case when nullif(time_of_day_to, '') is not null then {{ seconds_of.format('time_of_day_to') }} end as second_to,
        price_unit,
        cast(tier_above_input_tokens as {{ dbt.type_bigint() }}) as tier_above_input_tokens,
        {{ per_million.format('usd_price', 'per_units') }} as usd_per_million,
        pricing_url,
        {{ dbt.cast('checked_on', api.Column.translate_type('date')) }} as checked_on
    from {{ ref('price_book_list_prices') }}
),

overrides as (
    {{ typed_price_overrides() }}
)

select * from list_prices
union all
select * from overrides
