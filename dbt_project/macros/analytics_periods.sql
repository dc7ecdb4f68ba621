{#-
    Whole-period analytics (percentiles, top-N, period-over-period) cannot be summed from daily rows, so
    their marts hold one row per rolling period: the period_days days ending on period_end (inclusive),
    for every period_end that is a day of the partition window and every length of a var:
    * analytics_period_days (default [1, 7]; 1 = that single day): marts computed over calls, tool calls
      or tasks (latency_by_*, agent_performance, top_tools_by_call_count, task_performance_by_agent). A
      partition run reads max - 1 earlier days of calls, so each length adds to every run's cost: add 30
      for monthly percentiles when the data volume allows;
    * top_mover_period_days (default [1, 7, 30]): cost_top_movers, computed from the small daily
      cost_by_dimension_daily, reading 2 x max - 1 earlier days of it.
    Such a mart is incremental on period_end (config meta partition_window_column: period_end): a partition
    run recomputes the periods ending on its days. A re-run of an older day does not revisit later periods
    that include it; re-run those days too (a backfill does).
-#}
{% macro analytics_period_days(name='analytics_period_days') %}
    {%- set defaults = {'analytics_period_days': [1, 7], 'top_mover_period_days': [1, 7, 30]} -%}
    {%- set days = var(name, defaults[name]) -%}
    {%- if days is string or days is not iterable or not days -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ ": a non-empty list of whole numbers of days >= 1") }}
    {%- endif -%}
    {%- for n in days -%}
        {%- if not (n is number and n == n | int and n >= 1) -%}
            {{ exceptions.raise_compiler_error("var " ~ name ~ ": " ~ n ~ " is not a whole number of days >= 1") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(days | map('int') | unique | sort | list) }}
{% endmacro %}


{#- A DATE n days before (negative n) or after a DATE expression. -#}
{% macro add_days(date_expression, n) -%}
    {{ dbt.cast(dbt.dateadd('day', n, date_expression), api.Column.translate_type('date')) | trim }}
{%- endmacro %}


{#-
    Rolling periods ending on each day of the partition window on which source (a relation or CTE with a DATE
    column day) has rows, one per length of period_days (default: analytics_period_days()):
    period_end, period_days, period_start (= period_end - period_days + 1) and, for period-over-period
    marts, the previous period of the same length: previous_start .. previous_end (= period_start - 1).
-#}
{% macro rolling_periods(source, period_days=none) %}
    {%- for n in (period_days or analytics_period_days()) %}
    select
        period_end,
        {{ n }} as period_days,
        {{ add_days('period_end', -(n - 1)) }} as period_start,
        {{ add_days('period_end', -(2 * n - 1)) }} as previous_start,
        {{ add_days('period_end', -n) }} as previous_end
    from (
        select distinct day as period_end
        from {{ source }}
        where {{ in_partition_window('day') }}
    ) as period_ends
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{% endmacro %}


{#-
    The whole-period roll-up of source (a relation or CTE with a DATE column day, read back far enough for
    the longest period): one row per rolling period (rolling_periods) and group_columns of source, with
    aggregates ({output column: SQL aggregate over source's rows of the period}, in column order).
-#}
{% macro rollup_by_period(source, group_columns, aggregates) %}
    select
        periods.period_end,
        periods.period_days,
        periods.period_start,
        {% for column in group_columns -%}
        {{ source }}.{{ column }},
        {% endfor -%}
        {% for column, aggregate in aggregates.items() -%}
        {{ aggregate }} as {{ column }}{{ ',' if not loop.last }}
        {% endfor -%}
    from ({{ rolling_periods(source) }}) as periods
    inner join {{ source }}
        on {{ source }}.day >= periods.period_start
        and {{ source }}.day <= periods.period_end
    group by
        periods.period_end,
        periods.period_days,
        periods.period_start
        {%- for column in group_columns %},
        {{ source }}.{{ column }}
        {%- endfor %}
{% endmacro %}


{#-
    Per rolling period and group, the calls' count, errors, tokens, cost and duration statistics: mean (from
    exact integer sums, so re-runs are byte-identical) and true percentiles (percentile_cont over the period's calls, never an average of daily figures).
    Only LLM calls (modality 'completion', or none given: Helicone requests and orq LLM spans) count, as in
    Revenium's response-time analytics; media calls (audio, image, video) measure something else.
    ai_calls: the AI call fact (ref('fct_ai_calls') in the calling model); group_columns: its columns the mart
    groups by (NULL/empty -> '(not set)').
-#}
{% macro call_performance_by_period(ai_calls, group_columns) %}
{%- set lookback = analytics_period_days() | max - 1 -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set double = type_double() -%}
with

calls as (

    select
        day,
        source_system,
        {% for column in group_columns -%}
        {{ dimension_value_or_not_set(column) }} as {{ column }},
        {% endfor -%}
        is_error,
        total_tokens,
        cost_usd,
        duration_ms
    from {{ ai_calls }}
    where {{ in_widened_window('day', lookback) }}
        and coalesce(modality, 'completion') = 'completion'

),

rolled as (
    {{ rollup_by_period('calls', ['source_system'] + group_columns, {
        'days_with_calls': dbt.cast('count(distinct calls.day)', bigint),
        'call_count': dbt.cast('count(*)', bigint),
        'error_count': dbt.cast('sum(case when calls.is_error then 1 else 0 end)', bigint),
        'total_tokens': dbt.cast('sum(calls.total_tokens)', bigint),
        'cost_usd': dbt.cast('sum(calls.cost_usd)', type_usd()),
        'timed_call_count': dbt.cast('count(calls.duration_ms)', bigint),
        'duration_ms_sum': dbt.cast('sum(calls.duration_ms)', bigint),
        'p50_duration_ms': dbt.cast('percentile_cont(0.5) within group (order by calls.duration_ms)', double),
        'p95_duration_ms': dbt.cast('percentile_cont(0.95) within group (order by calls.duration_ms)', double),
    }) }}
)

select
    *,
    {#- means from exact integer sums: a float avg() depends on the engine's parallel addition order #}
    {{ dbt.cast('duration_ms_sum', double) }} / nullif(timed_call_count, 0) as avg_duration_ms,
    {{ dbt.cast('error_count', double) }} / call_count as error_rate
from rolled
{% endmacro %}


{#-
    Agent tasks, one row per trace (Revenium's task analytics; the docs are silent on what a task is, so
    this follows the simulator's documented inference): a task is a trace of LLM calls, dated by the UTC day
    its first call started, owned by the agent of its root call (the earliest call without a parent),
    completed when that root call did not fail, lasting from its first request to its last response.
    Traces without a root call in the warehouse are not tasks. ai_calls: the AI call fact (ref('fct_ai_calls')
    in the calling model); calls_predicate selects the calls read (read one day past a window, so a task running
    past midnight keeps its end).
-#}
{% macro agent_tasks(ai_calls, calls_predicate) %}
    {%- set bigint = dbt.type_bigint() -%}
    select
        spans.source_system,
        spans.trace_id,
        {{ utc_date('spans.started_at') }} as day,
        {{ dimension_value_or_not_set('roots.agent_name') }} as agent_name,
        spans.started_at,
        spans.ended_at,
        {#- on UTC timestamps: a difference of session-zone times would jump at a DST change #}
        {{ dbt.cast(dbt.datediff(to_utc_timestamp('spans.started_at'), to_utc_timestamp('spans.ended_at'), 'millisecond'), bigint) }}
            as duration_ms,
        not roots.is_error as is_completed
    from (
        select
            source_system,
            trace_id,
            min(started_at) as started_at,
            max(coalesce(ended_at, started_at)) as ended_at
        from {{ ai_calls }}
        where {{ calls_predicate }}
            and trace_id is not null
            and coalesce(modality, 'completion') = 'completion'
        group by source_system, trace_id
    ) as spans
    inner join (
        select
            source_system,
            trace_id,
            agent_name,
            is_error,
            row_number() over (
                partition by source_system, trace_id order by started_at, call_id
            ) as root_rank
        from {{ ai_calls }}
        where {{ calls_predicate }}
            and trace_id is not null
            and parent_call_id is null
            and coalesce(modality, 'completion') = 'completion'
    ) as roots
        on roots.source_system = spans.source_system
        and roots.trace_id = spans.trace_id
        and roots.root_rank = 1
{% endmacro %}
