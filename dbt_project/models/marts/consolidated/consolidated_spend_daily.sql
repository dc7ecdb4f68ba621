{#-
    What the company spent on AI each UTC day: its AI calls, each counted once whichever vendors observed it
    (fct_consolidated_calls), and its tool calls (fct_tool_calls, one vendor's: nothing to consolidate);
    total_cost_usd is both, and what focus_ai_costs charges for the day. Beside it, what adding up every
    vendor's call records would say (fct_ai_calls) and the difference: the double counting avoided.
    Ambiguous records (int_call_resolution) are counted and priced here so that nothing the resolution left
    out is out of sight. Incremental by partition window (day).
-#}
{%- set bigint = dbt.type_bigint() -%}

with

calls as (

    select
        day,
        {{ dbt.cast('count(*)', bigint) }} as call_count,
        {{ dbt.cast('sum(case when observation_count > 1 then 1 else 0 end)', bigint) }} as calls_seen_by_several,
        {{ dbt.cast('sum(case when is_error then 1 else 0 end)', bigint) }} as error_count,
        {{ integer_sum('total_tokens') }} as total_tokens,
        sum(cost_usd) as cost_usd
    from {{ ref('fct_consolidated_calls') }}
    where {{ in_partition_window('day') }}
    group by day

),

observations as (

    select
        observed.day,
        {{ dbt.cast('count(*)', bigint) }} as observation_count,
        sum(observed.cost_usd) as observed_cost_usd,
        {{ dbt.cast("sum(case when resolution.resolution = 'ambiguous' then 1 else 0 end)", bigint) }}
            as ambiguous_observation_count,
        sum(case when resolution.resolution = 'ambiguous' then observed.cost_usd else 0 end)
            as ambiguous_observation_cost_usd
    from {{ ref('fct_ai_calls') }} as observed
    inner join {{ ref('int_call_resolution') }} as resolution
        on resolution.call_id = observed.call_id
    where {{ in_partition_window('observed.day') }}
        and {{ in_partition_window('resolution.day') }}
    group by observed.day

),

tools as (

    select
        day,
        {{ dbt.cast('count(*)', bigint) }} as tool_call_count,
        sum(cost_usd) as tool_cost_usd
    from {{ ref('fct_tool_calls') }}
    where {{ in_partition_window('day') }}
    group by day

),

days as (

    select day from calls
    union
    select day from observations
    union
    select day from tools

),

final as (

    select
        days.day,
        coalesce(calls.call_count, 0) as call_count,
        coalesce(calls.calls_seen_by_several, 0) as calls_seen_by_several,
        coalesce(calls.error_count, 0) as error_count,
        coalesce(calls.total_tokens, 0) as total_tokens,
        {{ dbt.cast('coalesce(calls.cost_usd, 0)', type_usd()) }} as cost_usd,
        coalesce(tools.tool_call_count, 0) as tool_call_count,
        {{ dbt.cast('coalesce(tools.tool_cost_usd, 0)', type_usd()) }} as tool_cost_usd,
        {{ dbt.cast('coalesce(calls.cost_usd, 0) + coalesce(tools.tool_cost_usd, 0)', type_usd()) }} as total_cost_usd,
        coalesce(observations.observation_count, 0) as observation_count,
        {{ dbt.cast('coalesce(observations.observed_cost_usd, 0)', type_usd()) }} as observed_cost_usd,
        {{ dbt.cast('coalesce(observations.observed_cost_usd, 0) - coalesce(calls.cost_usd, 0)', type_usd()) }}
            as double_counted_cost_usd,
        coalesce(observations.ambiguous_observation_count, 0) as ambiguous_observation_count,
        {{ dbt.cast('coalesce(observations.ambiguous_observation_cost_usd, 0)', type_usd()) }}
            as ambiguous_observation_cost_usd
    from days
    left join calls
        on calls.day = days.day
    left join observations
        on observations.day = days.day
    left join tools
        on tools.day = days.day

)

select * from final
