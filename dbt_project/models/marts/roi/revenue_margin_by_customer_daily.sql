{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
    )
}}
{#- Revenue (Revenium's revenue-per-customer), our cost, profit and margin per organization_name and UTC day: macros/revenue_margin.sql. -#}
{{ revenue_margin_daily('organization_name', 'revenue-per-customer') }}
