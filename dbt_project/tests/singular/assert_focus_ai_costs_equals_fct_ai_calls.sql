{#- focus_ai_costs re-states fct_ai_calls: per day and source system, its BilledCost adds up to cost_usd exactly. -#}
{#- Dagster: a check on focus_ai_costs (the test reads several models; meta names the one it checks). -#}
{{ config(meta={'dagster': {'ref': {'name': 'focus_ai_costs'}}}) }}
with

focus as (

    select "x_ChargeDay" as day, "x_SourceSystem" as source_system, sum("BilledCost") as cost_usd
    from {{ ref('focus_ai_costs') }}
    group by "x_ChargeDay", "x_SourceSystem"

),

calls as (

    select day, source_system, sum(cost_usd) as cost_usd
    from {{ ref('fct_ai_calls') }}
    where day in (select day from focus)
    group by day, source_system

)

select
    coalesce(focus.day, calls.day) as day,
    coalesce(focus.source_system, calls.source_system) as source_system,
    focus.cost_usd as focus_cost_usd,
    calls.cost_usd as calls_cost_usd
from focus
full outer join calls
    on calls.day = focus.day
    and calls.source_system = focus.source_system
where coalesce(focus.cost_usd, 0) <> coalesce(calls.cost_usd, 0)
