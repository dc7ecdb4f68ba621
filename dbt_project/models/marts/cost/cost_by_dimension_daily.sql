{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
    )
}}
{#-
    Daily cost and usage per source, in long form: one row per
    (day, source_system, dimension_name, dimension_value), for each dimension of cost_dimensions()
    (macros/cost_dimensions.sql), built from the call roll-ups of fct_ai_usage_hourly only
    (aggregated_from = 'fct_ai_calls'; orq's vendor reporting rows describe the same calls and are left out).
    NULL or empty values are '(not set)', so for each (day, source_system, dimension_name) the values add up
    to that source's daily call total.
    Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}

with

usage as (

    select * from {{ ref('fct_ai_usage_hourly') }}
    where {{ in_partition_window('day') }}
        and aggregated_from = 'fct_ai_calls'

),

{% for dimension_name, column_name in cost_dimensions().items() %}
by_{{ dimension_name }} as (

    select
        day,
        source_system,
        '{{ dimension_name }}' as dimension_name,
        {{ dimension_value_or_not_set(column_name) }} as dimension_value,
        {{ dbt.cast('sum(call_count)', bigint) }} as call_count,
        {{ dbt.cast('sum(error_count)', bigint) }} as error_count,
        {{ dbt.cast('sum(total_tokens)', bigint) }} as total_tokens,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd

    from usage
    group by
        day,
        source_system,
        {{ dimension_value_or_not_set(column_name) }}

),

{% endfor %}
unioned as (

    {% for dimension_name in cost_dimensions() -%}
    select * from by_{{ dimension_name }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select * from unioned
