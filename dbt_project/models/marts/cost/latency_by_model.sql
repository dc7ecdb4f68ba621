{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
        meta={'partition_window_column': 'period_end'},
    )
}}
{#- Calls, cost and response time (mean, true p50 / p95) per request_model and rolling period: see the YAML and macros/analytics_periods.sql. -#}
{{ call_performance_by_period(['request_model']) }}
