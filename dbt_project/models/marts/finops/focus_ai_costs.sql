{{ config(meta={'partition_window_column': '"x_ChargeDay"', 'source_system_column': '"x_SourceSystem"'}) }}
{#-
    fct_ai_calls as a FinOps FOCUS 1.2 Cost and Usage dataset: one Usage charge row per (call group, token
    type). A call group is the calls of one UTC day, source system, billing account (team), provider, model,
    agent and trace. A call's cost goes to the rows of its token types:

    * calls whose vendor split the cost by token type (input_/output_/cache_read_/cache_write_cost_usd): one
      row per token type - input (uncached input tokens), cache_read, cache_write, output (reasoning
      included) - and, if the split does not add up to the call's cost, the remainder as 'unattributed'
      (PricingUnit Requests: the calls that carried one);
    * calls with tokens but no split (e.g. Helicone): one 'total' row, all their tokens and cost;
    * calls without tokens (audio, image, video): one 'request' row per call (PricingUnit Requests).

    So the dataset's BilledCost adds up to fct_ai_calls.cost_usd exactly, per day and source (a singular test
    checks it). FOCUS column names are quoted PascalCase as the spec writes them; custom columns are x_-prefixed.
    Incremental by partition window on x_ChargeDay (the UTC day of the charge period; quoted in the config, as
    the column name is case-sensitive on Postgres).
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set ts = api.Column.translate_type('timestamp') -%}
{%- set split_costs = ['input_cost_usd', 'output_cost_usd', 'cache_read_cost_usd', 'cache_write_cost_usd'] -%}
{%- set split_total -%}
    ({% for c in split_costs %}coalesce({{ c }}, 0){{ ' + ' if not loop.last }}{% endfor %})
{%- endset -%}
{%- set group_columns = ['day', 'source_system', 'billing_account_id', 'team_id', 'provider', 'model', 'agent_name', 'trace_id'] -%}

with

calls as (

    select
        day,
        source_system,
        coalesce(team_id, source_system) as billing_account_id,
        team_id,
        {{ dimension_value_or_not_set('provider_name') }} as provider,
        {{ dimension_value_or_not_set('request_model') }} as model,
        agent_name,
        trace_id,
        coalesce(input_tokens, 0) - coalesce(cache_read_tokens, 0) - coalesce(cache_write_tokens, 0)
            as uncached_input_tokens,
        coalesce(cache_read_tokens, 0) as cache_read_tokens,
        coalesce(cache_write_tokens, 0) as cache_write_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(total_tokens, 0) as total_tokens,
        coalesce(cost_usd, 0) as cost_usd,
        ({% for c in split_costs %}{{ c }} is not null{{ ' or ' if not loop.last }}{% endfor %}) as has_split,
        {{ split_total }} as split_cost_usd,
        input_cost_usd,
        output_cost_usd,
        cache_read_cost_usd,
        cache_write_cost_usd
    from {{ ref('fct_ai_calls') }}
    where {{ in_partition_window('day') }}

),

{%- set parts = [
    ('input', 'Tokens', 'uncached_input_tokens', 'coalesce(input_cost_usd, 0)', 'has_split'),
    ('cache_read', 'Tokens', 'cache_read_tokens', 'coalesce(cache_read_cost_usd, 0)', 'has_split'),
    ('cache_write', 'Tokens', 'cache_write_tokens', 'coalesce(cache_write_cost_usd, 0)', 'has_split'),
    ('output', 'Tokens', 'output_tokens', 'coalesce(output_cost_usd, 0)', 'has_split'),
    ('unattributed', 'Requests', '1', 'cost_usd - split_cost_usd', 'has_split and cost_usd <> split_cost_usd'),
    ('total', 'Tokens', 'total_tokens', 'cost_usd', 'not has_split and total_tokens > 0'),
    ('request', 'Requests', '1', 'cost_usd', 'not has_split and total_tokens = 0'),
] %}

charges as (

    {% for token_type, unit, quantity, cost, condition in parts -%}
    select
        {{ group_columns | join(', ') }},
        '{{ token_type }}' as token_type,
        '{{ unit }}' as pricing_unit,
        {{ quantity }} as quantity,
        {{ cost }} as cost_usd
    from calls
    where {{ condition }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

grouped as (

    select
        {{ group_columns | join(', ') }},
        token_type,
        pricing_unit,
        {{ dbt.cast('count(*)', bigint) }} as call_count,
        {{ dbt.cast('sum(quantity)', bigint) }} as quantity,
        {{ dbt.cast('sum(cost_usd)', type_usd()) }} as cost_usd
    from charges
    group by {{ group_columns | join(', ') }}, token_type, pricing_unit

),

periods as (

    select
        *,
        {{ dbt.cast('day', ts) }} as charge_period_start,
        {{ dbt.cast(dbt.date_trunc('month', dbt.cast('day', ts)), ts) }} as billing_period_start
    from grouped
    where quantity <> 0 or cost_usd <> 0

),

focus as (

    select
        cost_usd as "BilledCost",
        billing_account_id as "BillingAccountId",
        team_id as "BillingAccountName",
        'USD' as "BillingCurrency",
        {{ dbt.cast(dbt.dateadd('month', 1, 'billing_period_start'), ts) }} as "BillingPeriodEnd",
        billing_period_start as "BillingPeriodStart",
        'Usage' as "ChargeCategory",
        {{ dbt.cast('null', dbt.type_string()) }} as "ChargeClass",
        {{ dbt.concat(['model', "' '", 'token_type', "' '", 'pricing_unit', "' via '", 'source_system']) }}
            as "ChargeDescription",
        'Usage-Based' as "ChargeFrequency",
        {{ dbt.cast(dbt.dateadd('day', 1, 'charge_period_start'), ts) }} as "ChargePeriodEnd",
        charge_period_start as "ChargePeriodStart",
        quantity as "ConsumedQuantity",
        pricing_unit as "ConsumedUnit",
        cost_usd as "ContractedCost",
        cost_usd as "EffectiveCost",
        provider as "InvoiceIssuerName",
        cost_usd as "ListCost",
        'Standard' as "PricingCategory",
        quantity as "PricingQuantity",
        pricing_unit as "PricingUnit",
        provider as "ProviderName",
        provider as "PublisherName",
        'AI and Machine Learning' as "ServiceCategory",
        {{ dbt.concat(['provider', "' generative AI'"]) }} as "ServiceName",
        'Generative AI' as "ServiceSubcategory",
        model as "SkuId",
        token_type as "SkuMeter",
        {{ dbt.concat(['model', "':'", 'token_type']) }} as "SkuPriceId",
        day as "x_ChargeDay",
        source_system as "x_SourceSystem",
        agent_name as "x_AgentName",
        trace_id as "x_TraceId",
        model as "x_Model",
        token_type as "x_TokenType",
        call_count as "x_CallCount"
    from periods

)

select * from focus
