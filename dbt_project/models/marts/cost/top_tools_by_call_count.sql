{{ config(meta={'partition_window_column': 'period_end'}) }}
{#-
    The 20 most called tools of each rolling period (macros/analytics_periods.sql: the period_days days
    ending on period_end, for each length of var analytics_period_days), per source: Revenium's
    top-tools-by-call-count, ranked by calls, ties by tool id. A whole-period top-N: the top 20 of a week is
    not the union of the days' top 20s. Incremental on period_end.
-#}
{%- set bigint = dbt.type_bigint() -%}

with

tool_calls as (

    select day, source_system, tool_id, tool_name, tool_type, tool_provider
    from {{ ref('fct_tool_calls') }}
    where {{ in_widened_window('day', analytics_period_days() | max - 1) }}

),

counted as (
    {{ rollup_by_period('tool_calls', ['source_system', 'tool_id'], {
        'tool_name': 'max(tool_calls.tool_name)',
        'tool_type': 'max(tool_calls.tool_type)',
        'tool_provider': 'max(tool_calls.tool_provider)',
        'call_count': dbt.cast('count(*)', bigint),
    }) }}
),

ranked as (

    select
        *,
        {{ dbt.cast(
            'row_number() over (partition by period_end, period_days, source_system '
            ~ 'order by call_count desc, tool_id)', bigint) }} as call_count_rank
    from counted

)

select * from ranked
where call_count_rank <= {{ var('top_tools_limit', 20) | int }}
