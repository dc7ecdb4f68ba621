{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
    )
}}
{#- Revenue (Revenium's revenue-per-product), our cost, profit and margin per product_name and UTC day: macros/revenue_margin.sql. -#}
{{ revenue_margin_daily('product_name', 'revenue-per-product') }}
