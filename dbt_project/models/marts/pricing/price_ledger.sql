{#-
    The restatement ledger: every call's list cost, appended, never updated (docs/pricing.md). A call gets an
    entry when it is first priced, and another only when its list cost, pricing status or vendor cost changes:
    a new price-book version restates exactly the calls it affects. A run under the version the ledger already
    holds prices its partition window; the first run under a new version (or the first build) prices every
    call of the history. full_refresh false: --full-refresh never drops the history of what was stated when.
-#}
{{ config(incremental_strategy='append', full_refresh=false) }}

{%- set text = api.Column.translate_type('string') -%}
{#- every column cast: a first build (no ledger yet) and a later one must give the same types (PostgreSQL
    tells varchar from text, numeric(18,9) from numeric, and on_schema_change fails on either) -#}
{%- set restating = true -%}
{%- if execute and is_incremental() -%}
    {%- set known = run_query(
        'select count(*) from ' ~ this ~ ' where price_book_version = (select price_book_version from '
        ~ ref('int_price_book_version') ~ ')'
    ).columns[0].values()[0] -%}
    {%- set restating = known == 0 -%}
{%- endif %}

with version as (
    select price_book_version from {{ ref('int_price_book_version') }}
),

calls as (
    select
        call_id as call_key,
        call_id,
        source_system,
        {{- priced_call_dimensions() }}
        {{- priced_call_usage() }}
    from {{ ref('fct_ai_calls') }}
    {%- if not restating %}
    where {{ in_partition_window('day') }}
    {%- endif %}
),

priced as (
    {{ price_calls('calls', ref('int_price_book'), ref('price_book_model_matches')) }}
),

{% if is_incremental() -%}
latest as (
    select call_id, entry_number, price_book_version, list_cost_usd, pricing_status, vendor_cost_usd
    from (
        select
            ledger.*,
            row_number() over (partition by call_id order by entry_number desc) as pick
        from {{ this }} as ledger
        {%- if not restating %}
        where {{ in_partition_window('day') }}
        {%- endif %}
    ) as ranked
    where pick = 1
),
{%- else -%}
latest as (
    select
        {{ dbt.cast('null', api.Column.translate_type('string')) }} as call_id,
        0 as entry_number,
        {{ dbt.cast('null', api.Column.translate_type('string')) }} as price_book_version,
        {{ dbt.cast('null', type_usd()) }} as list_cost_usd,
        {{ dbt.cast('null', api.Column.translate_type('string')) }} as pricing_status,
        {{ dbt.cast('null', type_usd()) }} as vendor_cost_usd
    where 1 = 0
),
{%- endif %}

entries as (
    select
        calls.call_id,
        calls.source_system,
        {{- priced_call_dimensions('calls') }}
        cast(coalesce(latest.entry_number, 0) + 1 as integer) as entry_number,
        {{ dbt.cast('version.price_book_version', text) }} as price_book_version,
        {{ dbt.cast('latest.price_book_version', text) }} as previous_price_book_version,
        {{ dbt.cast(ledger_pricing_status('priced', 'calls'), text) }} as pricing_status,
        {{ dbt.cast('priced.price_model_id', text) }} as price_model_id,
        {{ dbt.cast('priced.price_source', text) }} as price_source,
        priced.price_effective_from,
        {{ dbt.cast('calls.cost_usd', type_usd()) }} as vendor_cost_usd,
        {{ dbt.cast(ledger_list_cost('priced', 'calls'), type_usd()) }} as list_cost_usd,
        {{ dbt.cast('latest.list_cost_usd', type_usd()) }} as previous_list_cost_usd,
        {{ dbt.cast(ledger_list_cost('priced', 'calls') ~ ' - latest.list_cost_usd', type_usd()) }} as restatement_usd
    from calls
    inner join priced on priced.call_key = calls.call_key
    cross join version
    left join latest on latest.call_id = calls.call_id
    where latest.call_id is null
        or {{ ledger_list_cost('priced', 'calls') }} is distinct from latest.list_cost_usd
        or {{ ledger_pricing_status('priced', 'calls') }} is distinct from latest.pricing_status
        or {{ dbt.cast('calls.cost_usd', type_usd()) }} is distinct from latest.vendor_cost_usd
)

select * from entries
