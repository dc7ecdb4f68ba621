{{ config(meta={'partition_window_column': 'period_end'}) }}
{#-
    Largest cost changes per dimension (every dimension of cost_by_dimension_daily) against the previous
    period of equal length: for each rolling period (macros/analytics_periods.sql: the period_days days
    ending on period_end, for each length of var top_mover_period_days, default 1, 7 and 30 days) the cost
    of each dimension value in the period and in the period_days days just before it. Like Revenium's
    top-movers: change = current - previous, trend 'UP' when the cost grew or stayed, 'DOWN' when it fell,
    every value with calls in either period, ranked by the absolute change (largest first, ties by value).
    days_loaded_* tell whether the warehouse holds data for every day of both periods.
    Incremental on period_end; reads the 2 x max(period_days) - 1 days before the window.
-#}
{%- set bigint = dbt.type_bigint() -%}
{%- set double = type_double() -%}
{%- set period_days = analytics_period_days('top_mover_period_days') -%}
{%- set lookback = 2 * (period_days | max) - 1 -%}

with

daily as (

    select day, source_system, cost_kind, dimension_name, dimension_value, cost_usd
    from {{ ref('cost_by_dimension_daily') }}
    where {{ in_widened_window('day', lookback) }}

),

periods as (
    {{ rolling_periods('daily', period_days) }}
),

loaded_days as (

    select
        periods.period_end,
        periods.period_days,
        source_days.source_system,
        {{ dbt.cast('sum(case when source_days.day >= periods.period_start then 1 else 0 end)', bigint) }}
            as days_loaded_current,
        {{ dbt.cast('sum(case when source_days.day <= periods.previous_end then 1 else 0 end)', bigint) }}
            as days_loaded_previous
    from periods
    inner join (select distinct day, source_system from daily) as source_days
        on source_days.day >= periods.previous_start
        and source_days.day <= periods.period_end
    group by periods.period_end, periods.period_days, source_days.source_system

),

compared as (

    select
        periods.period_end,
        periods.period_days,
        periods.period_start,
        periods.previous_start,
        periods.previous_end,
        daily.source_system,
        daily.cost_kind,
        daily.dimension_name,
        daily.dimension_value,
        {{ dbt.cast('sum(case when daily.day >= periods.period_start then daily.cost_usd else 0 end)', type_usd()) }}
            as current_cost_usd,
        {{ dbt.cast('sum(case when daily.day <= periods.previous_end then daily.cost_usd else 0 end)', type_usd()) }}
            as previous_cost_usd
    from periods
    inner join daily
        on daily.day >= periods.previous_start
        and daily.day <= periods.period_end
    group by
        periods.period_end,
        periods.period_days,
        periods.period_start,
        periods.previous_start,
        periods.previous_end,
        daily.source_system,
        daily.cost_kind,
        daily.dimension_name,
        daily.dimension_value

),

changes as (

    select
        compared.*,
        {{ dbt.cast('current_cost_usd - previous_cost_usd', type_usd()) }} as cost_change_usd,
        case when current_cost_usd >= previous_cost_usd then 'UP' else 'DOWN' end as trend
    from compared

)

select
    changes.*,
    {{ dbt.cast('cost_change_usd', double) }} / nullif({{ dbt.cast('previous_cost_usd', double) }}, 0)
        as cost_change_ratio,
    {{ dbt.cast(
        'row_number() over (partition by changes.period_end, changes.period_days, changes.source_system, '
        ~ 'changes.dimension_name order by abs(changes.cost_change_usd) desc, changes.dimension_value)', bigint) }}
        as mover_rank,
    loaded_days.days_loaded_current,
    loaded_days.days_loaded_previous
from changes
inner join loaded_days
    on loaded_days.period_end = changes.period_end
    and loaded_days.period_days = changes.period_days
    and loaded_days.source_system = changes.source_system
