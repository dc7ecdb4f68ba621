{#-
    orq.ai's own reporting buckets pivoted to the columns of fct_ai_usage_hourly: one row per
    (hour_start, provider, model, agent, organization, product). Only the scalar metrics the source asks
    for are read, each under its own name (metric_key = requested_metric): genai.requests -> call_count,
    genai.errors -> error_count, genai.tokens -> total_tokens, genai.cost -> cost_usd. Any other metric
    key in the open metrics map is ignored. orq gives no token split: those columns are null.
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set metrics = {
    'genai.requests': 'call_count',
    'genai.errors': 'error_count',
    'genai.tokens': 'total_tokens',
    'genai.cost': 'cost_usd',
} -%}

with

buckets as (

    select * from {{ ref('stg_orq__reporting_buckets') }}
    where metric_key = requested_metric
        and metric_key in ({% for m in metrics %}'{{ m }}'{{ ', ' if not loop.last }}{% endfor %})

),

pivoted as (

    select
        source_system,
        hour_start,
        day,
        provider_name,
        request_model,
        agent_name,
        organization_name,
        product_name,
        {%- for metric, column_name in metrics.items() %}
        sum(case when metric_key = '{{ metric }}' then metric_value end) as {{ column_name }}{{ ',' if not loop.last }}
        {%- endfor %}

    from buckets
    group by
        source_system,
        hour_start,
        day,
        provider_name,
        request_model,
        agent_name,
        organization_name,
        product_name

),

final as (

    select
        source_system,
        hour_start,
        day,
        provider_name,
        request_model,
        agent_name,
        organization_name,
        product_name,
        {{ dbt.cast('round(call_count)', bigint) }} as call_count,
        {{ dbt.cast('round(error_count)', bigint) }} as error_count,
        {{ dbt.cast('null', bigint) }} as input_tokens,
        {{ dbt.cast('null', bigint) }} as output_tokens,
        {{ dbt.cast('null', bigint) }} as cache_read_tokens,
        {{ dbt.cast('null', bigint) }} as cache_write_tokens,
        {{ dbt.cast('null', bigint) }} as reasoning_tokens,
        {{ dbt.cast('round(total_tokens)', bigint) }} as total_tokens,
        {{ dbt.cast('cost_usd', type_usd()) }} as cost_usd

    from pivoted

)

select * from final
