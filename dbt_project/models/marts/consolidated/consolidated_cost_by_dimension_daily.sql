{#-
    Daily AI spend across vendors by every cost dimension of cost_dimensions() (macros/cost_dimensions.sql),
    in long form: fct_consolidated_calls, each call counted once, under the value its most trusted observer
    gave the dimension (var consolidation_precedence). For each (day, dimension_name) the rows add up to
    consolidated_spend_daily's cost_usd for the day. NULL or empty values are '(not set)' (e.g. team for a
    call no Revenium team metered). Tool costs are not here: they come from one vendor only
    (cost_by_dimension_daily, cost_kind 'tool').
    Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}

with

calls as (

    select * from {{ ref('fct_consolidated_calls') }}
    where {{ in_partition_window('day') }}

),

{% for dimension_name, column_name in cost_dimensions().items() %}
by_{{ dimension_name }} as (

    select
        day,
        '{{ dimension_name }}' as dimension_name,
        {{ dimension_value_or_not_set(column_name) }} as dimension_value,
        {{ dbt.cast('count(*)', bigint) }} as call_count,
        {{ dbt.cast('sum(case when is_error then 1 else 0 end)', bigint) }} as error_count,
        {{ integer_sum('total_tokens') }} as total_tokens,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd
    from calls
    group by
        day,
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
