{#-
    Daily cost and usage per source, in long form: cost_by_dimension_hourly summed over the hours of each
    UTC day (see that model for cost_kind and the dimensions). For each
    (day, source_system, dimension_name) the values add up to that source's daily total of the dimension's
    cost kind (a singular test checks it). Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}

with

hourly as (

    select * from {{ ref('cost_by_dimension_hourly') }}
    where {{ in_partition_window('day') }}

),

daily as (

    select
        day,
        source_system,
        cost_kind,
        dimension_name,
        dimension_value,
        {{ dbt.cast('sum(call_count)', bigint) }} as call_count,
        {{ dbt.cast('sum(error_count)', bigint) }} as error_count,
        {{ dbt.cast('sum(total_tokens)', bigint) }} as total_tokens,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd
    from hourly
    group by
        day,
        source_system,
        cost_kind,
        dimension_name,
        dimension_value

)

select * from daily
