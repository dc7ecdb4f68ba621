{#-
    One row per real provider call, however many vendors observed it (docs/consolidation.md): the
    observations of fct_ai_calls grouped by int_call_resolution. Each column comes from the first source
    system in var consolidation_precedence that observed the call (its cost: cost_source_system), and each
    source system's own call id, cost and tokens sit beside it, with how far they disagree and why. Ambiguous
    observations (int_call_resolution) are not calls of their own and add nothing here.
    Incremental by partition window (day: the UTC day of the anchor, the most trusted observation); members
    are read one day around the window, as the resolution reads its candidates.
-#}
{%- set sources = consolidation_precedence() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set text = dbt.type_string() -%}
{%- set rounding_usd = consolidation_setting('rounding_usd') -%}
{%- set dimensions = [
    'team_id', 'modality', 'provider_name', 'request_model', 'agent_name', 'operation_name', 'task_type',
    'trace_id', 'trace_type', 'trace_name', 'squad_id', 'job_id', 'organization_name', 'product_name',
    'subscriber_email', 'api_key_alias', 'environment',
] -%}
{%- set anchor_values = ['started_at', 'ended_at', 'input_tokens', 'output_tokens', 'cache_read_tokens',
    'cache_write_tokens', 'reasoning_tokens', 'total_tokens'] -%}

with

resolution as (

    select call_id, consolidated_call_id, match_rule, match_confidence
    from {{ ref('int_call_resolution') }}
    where {{ in_widened_window('day', 1, 1) }}
        and consolidated_call_id is not null

),

members as (

    select
        resolution.consolidated_call_id,
        resolution.match_rule,
        resolution.match_confidence,
        {{ consolidation_rank('calls.source_system') }} as source_rank,
        calls.*
    from resolution
    inner join {{ ref('fct_ai_calls') }} as calls
        on calls.call_id = resolution.call_id
    where {{ in_widened_window('calls.day', 1, 1) }}

),

grouped as (

    select
        consolidated_call_id,
        max(case when call_id = consolidated_call_id then day end) as day,
        max(case when call_id = consolidated_call_id then source_system end) as anchor_source_system,
        {{ dbt.cast('count(*)', bigint) }} as observation_count,
        {#- the weakest rule that joined an observation to the call -#}
        max(case match_rule when 'span_id' then 1 when 'trace_tokens' then 2 when 'tokens_time' then 3 end)
            as weakest_rule_rank,
        min(match_confidence) as match_confidence,
        {%- for column in anchor_values %}
        max(case when call_id = consolidated_call_id then {{ column }} end) as {{ column }},
        {%- endfor %}
        {#- max() of a boolean is not portable (PostgreSQL has none) #}
        max(case when call_id = consolidated_call_id then (case when is_error then 1 else 0 end) end) = 1 as is_error,
        {%- for column in dimensions %}
        coalesce(
            {%- for source in sources %}
            max(case when source_system = '{{ source }}' then {{ column }} end){{ ',' if not loop.last }}
            {%- endfor %}
        ) as {{ column }},
        {%- endfor %}
        {%- for source in sources %}
        max(case when source_system = '{{ source }}' then call_id end) as {{ source }}_call_id,
        sum(case when source_system = '{{ source }}' then cost_usd end) as {{ source }}_cost_usd,
        {{ integer_sum("case when source_system = '" ~ source ~ "' then input_tokens end") }} as {{ source }}_input_tokens,
        {{ integer_sum("case when source_system = '" ~ source ~ "' then output_tokens end") }} as {{ source }}_output_tokens{{ ',' if not loop.last }}
        {%- endfor %}
    from members
    group by consolidated_call_id

),

chosen as (

    select
        grouped.*,
        coalesce({% for source in sources %}{{ source }}_cost_usd{{ ', ' if not loop.last }}{% endfor %}) as cost_usd,
        case
            {%- for source in sources %}
            when {{ source }}_cost_usd is not null then {{ dbt.cast("'" ~ source ~ "'", text) }}
            {%- endfor %}
        end as cost_source_system,
        greatest({% for source in sources %}{{ source }}_cost_usd{{ ', ' if not loop.last }}{% endfor %})
            - least({% for source in sources %}{{ source }}_cost_usd{{ ', ' if not loop.last }}{% endfor %})
            as cost_spread_usd,
        greatest({% for source in sources %}{{ source }}_input_tokens + {{ source }}_output_tokens{{ ', ' if not loop.last }}{% endfor %})
            - least({% for source in sources %}{{ source }}_input_tokens + {{ source }}_output_tokens{{ ', ' if not loop.last }}{% endfor %})
            as token_spread,
        {%- for source in sources %}
        ({{ source }}_output_tokens is not null and {{ source }}_output_tokens <> output_tokens) as {{ source }}_output_differs,
        ({{ source }}_input_tokens is not null and {{ source }}_input_tokens <> input_tokens) as {{ source }}_input_differs,
        ({{ source }}_input_tokens is not null
            and abs({{ source }}_input_tokens - input_tokens) = coalesce(cache_read_tokens, 0) + coalesce(cache_write_tokens, 0)
            and {{ source }}_input_tokens <> input_tokens) as {{ source }}_input_differs_by_cache{{ ',' if not loop.last }}
        {%- endfor %}
    from grouped

),

final as (

    select
        consolidated_call_id,
        day,
        started_at,
        ended_at,
        anchor_source_system,
        observation_count,
        {%- for source in sources %}
        {{ source }}_call_id is not null as seen_by_{{ source }},
        {%- endfor %}
        case weakest_rule_rank
            when 1 then {{ dbt.cast("'span_id'", text) }}
            when 2 then {{ dbt.cast("'trace_tokens'", text) }}
            when 3 then {{ dbt.cast("'tokens_time'", text) }}
        end as match_rule,
        match_confidence,
        {%- for column in dimensions %}
        {{ column }},
        {%- endfor %}
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cache_write_tokens,
        reasoning_tokens,
        total_tokens,
        is_error,
        {{ dbt.cast('cost_usd', type_usd()) }} as cost_usd,
        cost_source_system,
        {%- for source in sources %}
        {{ source }}_call_id,
        {{ dbt.cast(source ~ '_cost_usd', type_usd()) }} as {{ source }}_cost_usd,
        {{ source }}_input_tokens,
        {{ source }}_output_tokens,
        {%- endfor %}
        {{ dbt.cast('coalesce(cost_spread_usd, 0)', type_usd()) }} as cost_spread_usd,
        {{ dbt.cast('coalesce(token_spread, 0)', bigint) }} as token_spread,
        case
            when observation_count = 1 then null
            when {% for s in sources %}{{ s }}_output_differs or ({{ s }}_input_differs and not {{ s }}_input_differs_by_cache){{ ' or ' if not loop.last }}{% endfor %}
                then {{ dbt.cast("'token_count'", text) }}
            when {% for s in sources %}{{ s }}_input_differs_by_cache{{ ' or ' if not loop.last }}{% endfor %}
                then {{ dbt.cast("'cache_token_semantics'", text) }}
            when cost_spread_usd > {{ rounding_usd }} then {{ dbt.cast("'price_difference'", text) }}
            when cost_spread_usd > 0 then {{ dbt.cast("'rounding'", text) }}
            else {{ dbt.cast("'none'", text) }}
        end as disagreement_reason
    from chosen
    where {{ in_partition_window('day') }}

)

select * from final
