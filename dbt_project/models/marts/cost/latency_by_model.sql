{{ config(meta={'partition_window_column': 'period_end'}) }}
{#- Calls, cost and response time (mean, true p50 / p95) per request_model and rolling period: see the YAML and macros/analytics_periods.sql. -#}
{{ call_performance_by_period(ref('fct_ai_calls'), ['request_model']) }}
