{#-
    Body of revenue_margin_by_<customer|product>_daily: per UTC day and group (an organization = Revenium's
    customer, or a product), Revenium's revenue (analytics endpoint revenue-per-<customer|product>) beside
    our cost from the facts, profit and margin. Incremental by partition window (day).

    * revenue_usd: the vendor's figure (Revenium prices calls from its own pricing plans; we cannot recompute
      it). It is summed over the analytics accounts (team_id labels) landed for the day.
    * cost_usd: sum of fct_ai_calls.cost_usd of source_system 'revenium' (every modality), per group: the
      same calls Revenium's margin is computed on (its profit-margin-per-* cost), so profit and margin agree
      with the vendor's. Tool charges (fct_tool_calls) are shown beside it, not inside it.
    * margin = (revenue - cost) / revenue, a RATIO (0.25 = 25 %); margin_pct = margin x 100, the unit of
      Revenium's profit-margin-per-* (metricType PERCENTAGE). A period's margin is sum(profit) / sum(revenue)
      over its days, never an average of daily margins.
    The calling model passes its parents: analytics_aggregated = ref('stg_revenium__analytics_aggregated'),
    ai_calls = ref('fct_ai_calls'), tool_calls = ref('fct_tool_calls').
-#}
{% macro revenue_margin_daily(analytics_aggregated, ai_calls, tool_calls, group_column, revenue_endpoint) %}
{%- set bigint = dbt.type_bigint() -%}
{%- set group_value = dimension_value_or_not_set(group_column) -%}

with

revenue as (

    select
        day,
        {{ dimension_value_or_not_set('group_name') }} as group_value,
        {{ dbt.cast('sum(' ~ dbt.cast('metric_result', type_usd()) ~ ')', type_usd()) }} as revenue_usd
    from {{ analytics_aggregated }}
    where {{ in_partition_window('day') }}
        and endpoint = '{{ revenue_endpoint }}'
        and metric_label = 'revenue'
    group by day, {{ dimension_value_or_not_set('group_name') }}

),

calls as (

    select
        day,
        {{ group_value }} as group_value,
        {{ dbt.cast('count(*)', bigint) }} as call_count,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd
    from {{ ai_calls }}
    where {{ in_partition_window('day') }}
        and source_system = 'revenium'
    group by day, {{ group_value }}

),

tools as (

    select
        day,
        {{ group_value }} as group_value,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as tool_cost_usd
    from {{ tool_calls }}
    where {{ in_partition_window('day') }}
    group by day, {{ group_value }}

),

keys as (

    select day, group_value from revenue
    union
    select day, group_value from calls
    union
    select day, group_value from tools

),

joined as (

    select
        keys.day,
        'revenium' as source_system,
        keys.group_value,
        revenue.revenue_usd,
        {{ dbt.cast('coalesce(calls.call_count, 0)', bigint) }} as call_count,
        {{ dbt.cast('coalesce(calls.cost_usd, 0)', type_usd()) }} as cost_usd,
        {{ dbt.cast('coalesce(tools.tool_cost_usd, 0)', type_usd()) }} as tool_cost_usd
    from keys
    left join revenue on revenue.day = keys.day and revenue.group_value = keys.group_value
    left join calls on calls.day = keys.day and calls.group_value = keys.group_value
    left join tools on tools.day = keys.day and tools.group_value = keys.group_value

),

final as (

    select
        day,
        source_system,
        group_value as {{ group_column }},
        revenue_usd,
        call_count,
        cost_usd,
        tool_cost_usd,
        {{ dbt.cast('revenue_usd - cost_usd', type_usd()) }} as profit_usd,
        {{ safe_ratio('revenue_usd - cost_usd', 'revenue_usd') }} as margin,
        100 * {{ safe_ratio('revenue_usd - cost_usd', 'revenue_usd') }} as margin_pct,
        {{ dbt.cast('revenue_usd - cost_usd - tool_cost_usd', type_usd()) }} as profit_after_tool_cost_usd
    from joined

)

select * from final
{% endmacro %}
