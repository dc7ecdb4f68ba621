{#-
    For every (day, source_system) and every dimension, the dimension values of cost_by_dimension_daily add
    up to that source's daily total of the dimension's cost kind, computed another way: token dimensions
    (cost_dimensions()) against fct_ai_usage_hourly's call roll-ups (aggregated_from = 'fct_ai_calls'), tool
    dimensions (tool_cost_dimensions()) against fct_tool_calls. call_count, error_count, total_tokens
    exactly, cost_usd within a tolerance. A missing or extra (day, source_system, dimension_name) fails
    too, as does a row whose cost_kind is not its dimension's. Returns the offending rows.
-#}
{#- Dagster: a check on cost_by_dimension_daily (the test reads several models; meta names the one it checks). -#}
{{ config(meta={'dagster': {'ref': {'name': 'cost_by_dimension_daily'}}}) }}
with

usage_totals as (

    select
        'token' as cost_kind,
        day,
        source_system,
        coalesce(sum(call_count), 0) as call_count,
        coalesce(sum(error_count), 0) as error_count,
        coalesce(sum(total_tokens), 0) as total_tokens,
        coalesce(sum(cost_usd), 0) as cost_usd
    from {{ ref('fct_ai_usage_hourly') }}
    where aggregated_from = 'fct_ai_calls'
    group by day, source_system

    union all

    select
        'tool' as cost_kind,
        day,
        source_system,
        count(*) as call_count,
        coalesce(sum(case when is_error then 1 else 0 end), 0) as error_count,
        0 as total_tokens,
        coalesce(sum(cost_usd), 0) as cost_usd
    from {{ ref('fct_tool_calls') }}
    group by day, source_system

),

dimension_names as (

    {% for dimension_name, spec in all_cost_dimensions().items() -%}
    select '{{ dimension_name }}' as dimension_name, '{{ spec[0] }}' as cost_kind
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

expected as (

    select usage_totals.*, dimension_names.dimension_name
    from usage_totals
    inner join dimension_names
        on dimension_names.cost_kind = usage_totals.cost_kind

),

actual as (

    select
        cost_kind,
        day,
        source_system,
        dimension_name,
        coalesce(sum(call_count), 0) as call_count,
        coalesce(sum(error_count), 0) as error_count,
        coalesce(sum(total_tokens), 0) as total_tokens,
        coalesce(sum(cost_usd), 0) as cost_usd
    from {{ ref('cost_by_dimension_daily') }}
    group by cost_kind, day, source_system, dimension_name

),

compared as (

    select
        coalesce(expected.day, actual.day) as day,
        coalesce(expected.source_system, actual.source_system) as source_system,
        coalesce(expected.dimension_name, actual.dimension_name) as dimension_name,
        expected.call_count as expected_call_count,
        actual.call_count as actual_call_count,
        expected.error_count as expected_error_count,
        actual.error_count as actual_error_count,
        expected.total_tokens as expected_total_tokens,
        actual.total_tokens as actual_total_tokens,
        expected.cost_usd as expected_cost_usd,
        actual.cost_usd as actual_cost_usd
    from expected
    full outer join actual
        on actual.day = expected.day
        and actual.source_system = expected.source_system
        and actual.dimension_name = expected.dimension_name
        and actual.cost_kind = expected.cost_kind

)

select *
from compared
where expected_call_count is null
    or actual_call_count is null
    or expected_call_count <> actual_call_count
    or expected_error_count <> actual_error_count
    or expected_total_tokens <> actual_total_tokens
    or abs(expected_cost_usd - actual_cost_usd) > 1e-9 * (1 + abs(expected_cost_usd))
