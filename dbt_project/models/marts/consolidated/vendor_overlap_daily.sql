{#-
    How two vendors' views of the same calls compare, per UTC day and pair of source systems (each pair once,
    the more trusted first: var consolidation_precedence), from fct_consolidated_calls: calls seen by both
    or by one only (reason 'missing_call' in docs/consolidation.md), what each charged for the calls both
    saw, and how many of those disagree, by reason:
    * token_count: output tokens differ, or input tokens differ by other than the call's cache tokens;
    * cache_token_semantics: input tokens differ by exactly the cache read + write tokens (one vendor counts
      cached input apart);
    * price_difference: same tokens, costs more than var consolidation_rounding_usd apart;
    * rounding: same tokens, costs apart by at most that much.
    Incremental by partition window (day).
-#}
{%- set sources = consolidation_precedence() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set text = dbt.type_string() -%}
{%- set rounding_usd = consolidation_setting('rounding_usd') -%}
{%- set pairs = [] -%}
{%- for a in sources -%}{%- for b in sources[loop.index:] -%}{%- do pairs.append((a, b)) -%}{%- endfor -%}{%- endfor -%}

with

calls as (

    select * from {{ ref('fct_consolidated_calls') }}
    where {{ in_partition_window('day') }}

),

{% for a, b in pairs %}
pair_{{ a }}_{{ b }} as (

    select
        day,
        {{ dbt.cast("'" ~ a ~ "'", text) }} as source_system_a,
        {{ dbt.cast("'" ~ b ~ "'", text) }} as source_system_b,
        seen_by_{{ a }} and seen_by_{{ b }} as seen_by_both,
        seen_by_{{ a }} and not seen_by_{{ b }} as seen_by_a_only,
        seen_by_{{ b }} and not seen_by_{{ a }} as seen_by_b_only,
        {{ a }}_cost_usd as cost_a_usd,
        {{ b }}_cost_usd as cost_b_usd,
        case
            when not (seen_by_{{ a }} and seen_by_{{ b }}) then null
            when {{ a }}_output_tokens <> {{ b }}_output_tokens then 'token_count'
            when {{ a }}_input_tokens <> {{ b }}_input_tokens
                and abs({{ a }}_input_tokens - {{ b }}_input_tokens)
                    = coalesce(cache_read_tokens, 0) + coalesce(cache_write_tokens, 0)
                then 'cache_token_semantics'
            when {{ a }}_input_tokens <> {{ b }}_input_tokens then 'token_count'
            when abs({{ a }}_cost_usd - {{ b }}_cost_usd) > {{ rounding_usd }} then 'price_difference'
            when {{ a }}_cost_usd <> {{ b }}_cost_usd then 'rounding'
        end as disagreement_reason
    from calls
    where seen_by_{{ a }} or seen_by_{{ b }}

),

{% endfor %}
pairs as (

    {% for a, b in pairs -%}
    select * from pair_{{ a }}_{{ b }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select
        day,
        source_system_a,
        source_system_b,
        {{ dbt.cast('sum(case when seen_by_both then 1 else 0 end)', bigint) }} as calls_seen_by_both,
        {{ dbt.cast('sum(case when seen_by_a_only then 1 else 0 end)', bigint) }} as calls_seen_by_a_only,
        {{ dbt.cast('sum(case when seen_by_b_only then 1 else 0 end)', bigint) }} as calls_seen_by_b_only,
        {{ dbt.cast('coalesce(sum(case when seen_by_both then cost_a_usd end), 0)', type_usd()) }} as both_cost_a_usd,
        {{ dbt.cast('coalesce(sum(case when seen_by_both then cost_b_usd end), 0)', type_usd()) }} as both_cost_b_usd,
        {{ dbt.cast('coalesce(sum(case when seen_by_a_only then cost_a_usd end), 0)', type_usd()) }} as a_only_cost_usd,
        {{ dbt.cast('coalesce(sum(case when seen_by_b_only then cost_b_usd end), 0)', type_usd()) }} as b_only_cost_usd,
        {%- for reason in ['token_count', 'cache_token_semantics', 'price_difference', 'rounding'] %}
        {{ dbt.cast("sum(case when disagreement_reason = '" ~ reason ~ "' then 1 else 0 end)", bigint) }}
            as calls_with_{{ reason }}{{ ',' if not loop.last }}
        {%- endfor %}
    from pairs
    group by day, source_system_a, source_system_b

)

select * from final
