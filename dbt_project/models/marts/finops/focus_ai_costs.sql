{{ config(meta={'partition_window_column': adapter.quote('x_ChargeDay'), 'source_system_column': adapter.quote('x_SourceSystem')}) }}
{#-
    What was spent on AI, each call once, as a FinOps FOCUS 1.2 Cost and Usage dataset with the FOCUS 1.3
    provider columns: one Usage charge row per (charge group, token type).

    * AI calls come from fct_consolidated_calls (docs/consolidation.md): a call several vendors observed is
      charged once, with the record whose cost was chosen (cost_source_system, var consolidation_precedence)
      and its cost split, on the consolidated call's day and with its dimensions. x_CostKind 'token'.
    * Tool calls (fct_tool_calls, one vendor's) are charges of their own: x_CostKind 'tool', token type
      'tool', one Requests unit per tool call, the tool as SKU and its provider as ServiceProviderName.

    A charge group is the calls of one UTC day, source system (the chosen record's), billing account (team),
    provider, model (tool), agent and trace. A call's cost goes to the rows of its token types:

    * calls whose vendor split the cost by token type (input_/output_/cache_read_/cache_write_cost_usd): one
      row per token type - input (uncached input tokens), cache_read, cache_write, output (reasoning
      included) - and, if the split does not add up to the call's cost, the remainder as 'unattributed'
      (PricingUnit Requests: the calls that carried one);
    * calls with tokens but no split (e.g. Helicone): one 'total' row, all their tokens and cost;
    * calls without tokens (audio, image, video): one 'request' row per call (PricingUnit Requests).

    So the token charges' BilledCost adds up to consolidated_spend_daily.cost_usd per day, and the tool
    charges' to fct_tool_calls.cost_usd (singular tests). InvoiceId: no AI vendor's API serves invoices, so
    it comes from var focus_invoices, the operator's list of the providers' invoices ({provider, billing_period_start
    'YYYY-MM-01', invoice_id, and optionally billing_account_id}: the invoice of that provider and billing
    month, for that billing account - else one listed without an account), and is NULL for charges no listed
    invoice covers (FOCUS allows NULL for charges not invoiced yet). FOCUS column names are quoted PascalCase as the spec writes them; custom columns are x_-prefixed.
    Incremental by partition window on x_ChargeDay (the UTC day of the charge period; quoted in the config,
    as the column name is case-sensitive on Postgres).
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set ts = api.Column.translate_type('timestamp') -%}
{%- set split_costs = ['input_cost_usd', 'output_cost_usd', 'cache_read_cost_usd', 'cache_write_cost_usd'] -%}
{%- set group_columns = ['day', 'source_system', 'billing_account_id', 'team_id', 'cost_kind', 'provider', 'model', 'agent_name', 'trace_id'] -%}

with

consolidated as (

    select
        day,
        cost_source_system,
        case cost_source_system
            {%- for source in consolidation_precedence() %}
            when '{{ source }}' then {{ source }}_call_id
            {%- endfor %}
        end as cost_call_id,
        team_id,
        provider_name,
        request_model,
        agent_name,
        trace_id
    from {{ ref('fct_consolidated_calls') }}
    where {{ in_partition_window('day') }}

),

records as (

    select * from {{ ref('fct_ai_calls') }}
    where {{ in_widened_window('day', 1, 1) }}

),

calls as (

    select
        consolidated.day,
        records.source_system,
        coalesce(consolidated.team_id, records.source_system) as billing_account_id,
        consolidated.team_id,
        'token' as cost_kind,
        {{ dimension_value_or_not_set('consolidated.provider_name') }} as provider,
        {{ dimension_value_or_not_set('consolidated.request_model') }} as model,
        consolidated.agent_name,
        consolidated.trace_id,
        coalesce(records.input_tokens, 0) - coalesce(records.cache_read_tokens, 0) - coalesce(records.cache_write_tokens, 0)
            as uncached_input_tokens,
        coalesce(records.cache_read_tokens, 0) as cache_read_tokens,
        coalesce(records.cache_write_tokens, 0) as cache_write_tokens,
        coalesce(records.output_tokens, 0) as output_tokens,
        coalesce(records.total_tokens, 0) as total_tokens,
        coalesce(records.cost_usd, 0) as cost_usd,
        ({% for c in split_costs %}records.{{ c }} is not null{{ ' or ' if not loop.last }}{% endfor %}) as has_split,
        ({% for c in split_costs %}coalesce(records.{{ c }}, 0){{ ' + ' if not loop.last }}{% endfor %}) as split_cost_usd,
        {%- for c in split_costs %}
        records.{{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from consolidated
    inner join records
        on records.call_id = consolidated.cost_call_id

),

tool_calls as (

    select
        day,
        source_system,
        coalesce(team_id, source_system) as billing_account_id,
        team_id,
        'tool' as cost_kind,
        {{ dimension_value_or_not_set('tool_provider') }} as provider,
        {{ dimension_value_or_not_set('tool_id') }} as model,
        agent_name,
        trace_id,
        coalesce(cost_usd, 0) as cost_usd
    from {{ ref('fct_tool_calls') }}
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
    union all
    {% endfor %}
    select
        {{ group_columns | join(', ') }},
        'tool' as token_type,
        'Requests' as pricing_unit,
        1 as quantity,
        cost_usd
    from tool_calls

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

invoices as (

    {% for invoice in var('focus_invoices', none) or [] -%}
    select
        {{ dbt.cast("'" ~ dbt.escape_single_quotes(invoice['provider'] | string) ~ "'", dbt.type_string()) }} as provider,
        {{ dbt.cast(date_literal(invoice['billing_period_start'] | string), ts) }} as billing_period_start,
        {{ dbt.cast("'" ~ dbt.escape_single_quotes(invoice['billing_account_id'] | string) ~ "'" if invoice.get('billing_account_id') else 'null', dbt.type_string()) }} as billing_account_id,
        {{ dbt.cast("'" ~ dbt.escape_single_quotes(invoice['invoice_id'] | string) ~ "'", dbt.type_string()) }} as invoice_id
    union all
    {% endfor -%}
    select
        {{ dbt.cast('null', dbt.type_string()) }} as provider,
        {{ dbt.cast('null', ts) }} as billing_period_start,
        {{ dbt.cast('null', dbt.type_string()) }} as billing_account_id,
        {{ dbt.cast('null', dbt.type_string()) }} as invoice_id
    where 1 = 0

),

invoiced as (

    select
        periods.*,
        {#- the billing account's own invoice, else one listed for any account -#}
        coalesce(
            {%- for account in ['periods.billing_account_id', 'null'] %}
            (
                select max(invoices.invoice_id)
                from invoices
                where invoices.provider = periods.provider
                    and invoices.billing_period_start = periods.billing_period_start
                    and {{ 'invoices.billing_account_id = ' ~ account if account != 'null' else 'invoices.billing_account_id is null' }}
            ){{ ',' if not loop.last }}
            {%- endfor %}
        ) as invoice_id
    from periods

),

focus as (

    select
        cost_usd as {{ adapter.quote('BilledCost') }},
        billing_account_id as {{ adapter.quote('BillingAccountId') }},
        team_id as {{ adapter.quote('BillingAccountName') }},
        'USD' as {{ adapter.quote('BillingCurrency') }},
        {{ dbt.cast(dbt.dateadd('month', 1, 'billing_period_start'), ts) }} as {{ adapter.quote('BillingPeriodEnd') }},
        billing_period_start as {{ adapter.quote('BillingPeriodStart') }},
        'Usage' as {{ adapter.quote('ChargeCategory') }},
        {{ dbt.cast('null', dbt.type_string()) }} as {{ adapter.quote('ChargeClass') }},
        {{ dbt.concat(['model', "' '", 'token_type', "' '", 'pricing_unit', "' via '", 'source_system']) }}
            as {{ adapter.quote('ChargeDescription') }},
        'Usage-Based' as {{ adapter.quote('ChargeFrequency') }},
        {{ dbt.cast(dbt.dateadd('day', 1, 'charge_period_start'), ts) }} as {{ adapter.quote('ChargePeriodEnd') }},
        charge_period_start as {{ adapter.quote('ChargePeriodStart') }},
        {{ dbt.cast('quantity', dbt.type_numeric()) }} as {{ adapter.quote('ConsumedQuantity') }},
        pricing_unit as {{ adapter.quote('ConsumedUnit') }},
        cost_usd as {{ adapter.quote('ContractedCost') }},
        cost_usd as {{ adapter.quote('EffectiveCost') }},
        invoice_id as {{ adapter.quote('InvoiceId') }},
        provider as {{ adapter.quote('InvoiceIssuerName') }},
        cost_usd as {{ adapter.quote('ListCost') }},
        'Standard' as {{ adapter.quote('PricingCategory') }},
        {{ dbt.cast('quantity', dbt.type_numeric()) }} as {{ adapter.quote('PricingQuantity') }},
        pricing_unit as {{ adapter.quote('PricingUnit') }},
        provider as {{ adapter.quote('ProviderName') }},
        provider as {{ adapter.quote('PublisherName') }},
        provider as {{ adapter.quote('ServiceProviderName') }},
        provider as {{ adapter.quote('HostProviderName') }},
        'AI and Machine Learning' as {{ adapter.quote('ServiceCategory') }},
        case
            when cost_kind = 'tool' then {{ dbt.concat(['provider', "' tools'"]) }}
            else {{ dbt.concat(['provider', "' generative AI'"]) }}
        end as {{ adapter.quote('ServiceName') }},
        case
            when cost_kind = 'tool' then 'Other (AI and Machine Learning)'
            else 'Generative AI'
        end as {{ adapter.quote('ServiceSubcategory') }},
        model as {{ adapter.quote('SkuId') }},
        token_type as {{ adapter.quote('SkuMeter') }},
        {{ dbt.concat(['model', "':'", 'token_type']) }} as {{ adapter.quote('SkuPriceId') }},
        day as {{ adapter.quote('x_ChargeDay') }},
        source_system as {{ adapter.quote('x_SourceSystem') }},
        cost_kind as {{ adapter.quote('x_CostKind') }},
        agent_name as {{ adapter.quote('x_AgentName') }},
        trace_id as {{ adapter.quote('x_TraceId') }},
        model as {{ adapter.quote('x_Model') }},
        token_type as {{ adapter.quote('x_TokenType') }},
        call_count as {{ adapter.quote('x_CallCount') }}
    from invoiced

)

select * from focus
