{#- focus_ai_costs charges what was spent, each call once: per day its token charges add up to
    consolidated_spend_daily.cost_usd and its tool charges to tool_cost_usd, exactly (so its BilledCost adds
    up to total_cost_usd). -#}
{#- Dagster: a check on focus_ai_costs (the test reads several models; meta names the one it checks). -#}
{{ config(meta={'dagster': {'ref': {'name': 'focus_ai_costs'}}}) }}
with

focus as (

    select
        {{ adapter.quote('x_ChargeDay') }} as day,
        sum(case when {{ adapter.quote('x_CostKind') }} = 'token' then {{ adapter.quote('BilledCost') }} else 0 end) as token_cost_usd,
        sum(case when {{ adapter.quote('x_CostKind') }} = 'tool' then {{ adapter.quote('BilledCost') }} else 0 end) as tool_cost_usd
    from {{ ref('focus_ai_costs') }}
    group by {{ adapter.quote('x_ChargeDay') }}

),

spend as (

    select day, cost_usd, tool_cost_usd
    from {{ ref('consolidated_spend_daily') }}

),

days as (

    select day from focus
    union
    select day from spend

)

select
    days.day,
    focus.token_cost_usd,
    spend.cost_usd as consolidated_cost_usd,
    focus.tool_cost_usd,
    spend.tool_cost_usd as consolidated_tool_cost_usd
from days
left join focus
    on focus.day = days.day
left join spend
    on spend.day = days.day
where coalesce(focus.token_cost_usd, 0) <> coalesce(spend.cost_usd, 0)
    or coalesce(focus.tool_cost_usd, 0) <> coalesce(spend.tool_cost_usd, 0)
