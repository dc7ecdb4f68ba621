{#-
    Token throughput per provider and UTC hour: Revenium's tokens-per-minute (tokens of the calls requested
    in the hour / 60). Revenium counts TOTAL = input + output as its totalTokenCount, whose input EXCLUDES
    cached prompt tokens; so tokens_per_minute uses uncached input (OTel input_tokens - cache_read_tokens -
    cache_write_tokens) + output. The docs are silent on the definition; this is the simulator's documented
    inference. OTel totals are kept beside it. LLM calls only (media calls carry no tokens).
    A longer period's rate is sum(tokens) / its minutes. Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set double = type_double() -%}

with

calls as (

    select
        day,
        {{ utc_hour('started_at') }} as hour_start,
        source_system,
        {{ dimension_value_or_not_set('provider_name') }} as provider_name,
        input_tokens,
        input_tokens - coalesce(cache_read_tokens, 0) - coalesce(cache_write_tokens, 0) as uncached_input_tokens,
        output_tokens,
        total_tokens
    from {{ ref('fct_ai_calls') }}
    where {{ in_partition_window('day') }}
        and coalesce(modality, 'completion') = 'completion'

),

hourly as (

    select
        day,
        hour_start,
        source_system,
        provider_name,
        {{ dbt.cast('count(*)', bigint) }} as call_count,
        {{ dbt.cast('sum(input_tokens)', bigint) }} as input_tokens,
        {{ dbt.cast('sum(uncached_input_tokens)', bigint) }} as uncached_input_tokens,
        {{ dbt.cast('sum(output_tokens)', bigint) }} as output_tokens,
        {{ dbt.cast('sum(total_tokens)', bigint) }} as total_tokens
    from calls
    group by day, hour_start, source_system, provider_name

)

select
    *,
    {{ dbt.cast('uncached_input_tokens + output_tokens', double) }} / 60 as tokens_per_minute,
    {{ dbt.cast('uncached_input_tokens', double) }} / 60 as input_tokens_per_minute,
    {{ dbt.cast('output_tokens', double) }} / 60 as output_tokens_per_minute
from hourly
