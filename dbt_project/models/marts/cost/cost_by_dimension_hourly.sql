{#-
    Hourly cost and usage per source, in long form: one row per
    (day, hour_start, source_system, cost_kind, dimension_name, dimension_value), for every dimension of
    all_cost_dimensions() (macros/cost_dimensions.sql):
    * cost_kind 'token': AI calls of fct_ai_calls (every modality; orq: its LLM spans, never its reporting
      buckets), by the dimensions of cost_dimensions();
    * cost_kind 'tool': tool invocations of fct_tool_calls, by the dimensions of tool_cost_dimensions().
    A dimension belongs to one kind only, so the rows of one (hour, source, dimension) add up to that
    source's hourly total of that kind and nothing is counted twice. NULL or empty values are '(not set)'.
    Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}

with

calls as (

    select
        *,
        {{ utc_hour('started_at') }} as hour_start
    from {{ ref('fct_ai_calls') }}
    where {{ in_partition_window('day') }}

),

tool_calls as (

    select
        *,
        0 as total_tokens,
        {{ utc_hour('called_at') }} as hour_start
    from {{ ref('fct_tool_calls') }}
    where {{ in_partition_window('day') }}

),

{% for dimension_name, spec in all_cost_dimensions().items() %}
{%- set cost_kind, column_name = spec -%}
by_{{ dimension_name }} as (

    select
        day,
        hour_start,
        source_system,
        '{{ cost_kind }}' as cost_kind,
        '{{ dimension_name }}' as dimension_name,
        {{ dimension_value_or_not_set(column_name) }} as dimension_value,
        {{ dbt.cast('count(*)', bigint) }} as call_count,
        {{ dbt.cast('sum(case when is_error then 1 else 0 end)', bigint) }} as error_count,
        {{ dbt.cast('sum(total_tokens)', bigint) }} as total_tokens,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd

    from {{ 'calls' if cost_kind == 'token' else 'tool_calls' }}
    group by
        day,
        hour_start,
        source_system,
        {{ dimension_value_or_not_set(column_name) }}

),

{% endfor %}
unioned as (

    {% for dimension_name in all_cost_dimensions() -%}
    select * from by_{{ dimension_name }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select * from unioned
