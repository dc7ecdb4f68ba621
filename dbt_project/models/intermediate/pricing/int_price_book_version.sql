{#- The version of the price book in force: a hash of every row of both inputs as written (text), so it
    changes exactly when a price, a date or a rule does, and is the same on every database. -#}
with rows as (
    select {{ dbt.concat([
        "'list|'", "coalesce(source_version, '')", "'|'", "provider_id", "'|'", "model_id", "'|'", "price_set",
        "'|'", "coalesce(starts_on, '')", "'|'", "coalesce(time_of_day_from, '')", "'|'",
        "coalesce(time_of_day_to, '')", "'|'", "price_unit", "'|'", "tier_above_input_tokens", "'|'", "usd_price",
        "'|'", "per_units"]) }} as row_text
    from {{ ref('price_book_list_prices') }}
    union all
    select {{ dbt.concat([
        "'override|'", "provider", "'|'", "model", "'|'", "price_unit", "'|'", "usd_price", "'|'", "per_units",
        "'|'", "effective_from", "'|'", "effective_to"]) }} as row_text
    from ({{ price_override_rows() }}) as overrides
    union all
    select {{ dbt.concat(["'match|'", "provider_id", "'|'", "coalesce(model_id, '')", "'|'",
        dbt.cast('model_order', api.Column.translate_type('string')), "'|'",
        dbt.cast('rule_id', api.Column.translate_type('string')), "'|'", "match_kind", "'|'", "match_value"]) }}
    from {{ ref('price_book_model_matches') }}
)

select
    {#- ordered by each row's own hash: hex digits sort alike under every collation, the rows' text does not #}
    {{ dbt.hash(ordered_listagg(dbt.hash('row_text'), "'~'", dbt.hash('row_text'))) }} as price_book_version,
    (select max(source_version) from {{ ref('price_book_list_prices') }}) as list_source_version,
    (select count(*) from ({{ price_override_rows() }}) as overrides) as override_count
from rows
