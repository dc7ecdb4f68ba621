{#-
    What-if (docs/pricing.md): each call's usage (fct_consolidated_calls: every call once, the anchor's tokens)
    replayed under each scenario of var price_scenarios, against the baseline (the price book in force: the
    restated actuals). A scenario swaps models (all calls, or one agent's) and/or prices with its own
    overrides instead of AIECON_PRICE_OVERRIDES'; usage is replayed as it was (same tokens). Revenue does not
    change with a price, so a margin changes by minus the cost change.
-#}
{{ config(meta={'restated_with_price_book': true}) }}

{%- set scenarios = price_scenarios() %}

with version as (
    select price_book_version from {{ ref('int_price_book_version') }}
),

usage as (
    select
        consolidated_call_id as call_key,
        {{- priced_call_dimensions() }}
        {{- priced_call_usage() }}
    from {{ ref('fct_consolidated_calls') }}
    where {{ price_book_window('day', ref('int_price_book_version')) }}
),

baseline as (
    {{ price_calls('usage', ref('int_price_book'), ref('price_book_model_matches')) }}
),
{%- for scenario in scenarios %}

scenario_{{ loop.index }}_usage as (
    select
        call_key,
        started_at,
        {{ scenario_swapped('provider_name', scenario) }} as provider_name,
        {{ scenario_swapped('request_model', scenario) }} as request_model,
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cache_write_tokens,
        reasoning_tokens
    from usage
),

scenario_{{ loop.index }} as (
    {%- if scenario.get('price_overrides') is not none %}
    {{ price_calls('scenario_' ~ loop.index ~ '_usage',
        '(select * from ' ~ ref('int_price_book') ~ " where price_source = 'genai-prices' union all "
        ~ typed_price_overrides(scenario['price_overrides']) ~ ')', ref('price_book_model_matches')) }}
    {%- else %}
    {{ price_calls('scenario_' ~ loop.index ~ '_usage', ref('int_price_book'), ref('price_book_model_matches')) }}
    {%- endif %}
),
{%- endfor %}

replayed as (
    {%- for scenario in scenarios %}
    select
        '{{ scenario["name"] }}' as scenario,
        usage.day,
        usage.organization_name,
        usage.product_name,
        usage.agent_name,
        {{ ledger_list_cost('baseline', 'usage') }} as baseline_cost_usd,
        {{ ledger_list_cost('replay', 'usage') }} as scenario_cost_usd,
        {{ ledger_pricing_status('replay', 'usage') }} as scenario_pricing_status
    from usage
    inner join baseline on baseline.call_key = usage.call_key
    inner join scenario_{{ loop.index }} as replay on replay.call_key = usage.call_key
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select
    replayed.scenario,
    replayed.day,
    replayed.organization_name,
    replayed.product_name,
    replayed.agent_name,
    count(*) as calls,
    {{ integer_sum("case when scenario_pricing_status = 'priced' then 0 else 1 end") }} as unpriced_calls,
    {{ dbt.cast('sum(baseline_cost_usd)', type_usd()) }} as baseline_cost_usd,
    {{ dbt.cast('sum(scenario_cost_usd)', type_usd()) }} as scenario_cost_usd,
    {{ dbt.cast('sum(scenario_cost_usd) - sum(baseline_cost_usd)', type_usd()) }} as cost_change_usd,
    {{ dbt.cast('sum(baseline_cost_usd) - sum(scenario_cost_usd)', type_usd()) }} as margin_change_usd,
    max(version.price_book_version) as price_book_version
from replayed
cross join version
group by replayed.scenario, replayed.day, replayed.organization_name, replayed.product_name, replayed.agent_name
