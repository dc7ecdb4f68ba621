{#- Revenue (Revenium's revenue-per-customer), our cost, profit and margin per organization_name and UTC day: macros/revenue_margin.sql. -#}
{{ revenue_margin_daily(
    analytics_aggregated=ref('stg_revenium__analytics_aggregated'),
    ai_calls=ref('fct_ai_calls'),
    tool_calls=ref('fct_tool_calls'),
    group_column='organization_name',
    revenue_endpoint='revenue-per-customer',
) }}
