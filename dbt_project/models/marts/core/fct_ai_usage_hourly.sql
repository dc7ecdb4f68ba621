{#-
    Hourly usage per source, two kinds of rows told apart by aggregated_from:
    * 'fct_ai_calls': the roll-up of fct_ai_calls, for every source (Revenium, Helicone, orq.ai's LLM spans);
    * 'vendor_reporting': orq.ai's own reporting buckets (source_system = 'orq', the vendor's figures as it
      reports them: no token split). They describe the same orq calls as the orq roll-up rows: never add
      the two kinds up (cost_by_dimension_daily reads the call roll-ups only).
    Incremental by partition window (day), like fct_ai_calls.
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set dimensions = [
    'source_system', 'hour_start', 'day',
    'provider_name', 'request_model', 'agent_name', 'organization_name', 'product_name',
] -%}

with

calls as (

    select
        *,
        {{ utc_hour('started_at') }} as hour_start
    from {{ ref('fct_ai_calls') }}
    where {{ in_partition_window('day') }}

),

calls_hourly as (

    select
        'fct_ai_calls' as aggregated_from,
        {{ dimensions | join(',\n        ') }},
        {{ dbt.cast('count(*)', bigint) }} as call_count,
        {{ dbt.cast('sum(case when is_error then 1 else 0 end)', bigint) }} as error_count,
        {{ dbt.cast('sum(input_tokens)', bigint) }} as input_tokens,
        {{ dbt.cast('sum(output_tokens)', bigint) }} as output_tokens,
        {{ dbt.cast('sum(cache_read_tokens)', bigint) }} as cache_read_tokens,
        {{ dbt.cast('sum(cache_write_tokens)', bigint) }} as cache_write_tokens,
        {{ dbt.cast('sum(reasoning_tokens)', bigint) }} as reasoning_tokens,
        {{ dbt.cast('sum(total_tokens)', bigint) }} as total_tokens,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd

    from calls
    group by
        {{ dimensions | join(',\n        ') }}

),

orq_buckets as (

    select
        'vendor_reporting' as aggregated_from,
        {{ dimensions | join(',\n        ') }},
        call_count,
        error_count,
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cache_write_tokens,
        reasoning_tokens,
        total_tokens,
        cost_usd

    from {{ ref('int_orq__usage_hourly') }}
    where {{ in_partition_window('day') }}

),

unioned as (

    select * from calls_hourly
    union all
    select * from orq_buckets

)

select * from unioned
