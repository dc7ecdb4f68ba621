{#-
    The partition window of a run: vars min_date / max_date, half-open [min_date, max_date), UTC days.

    * Either bound may be absent (or null / empty): that side is open. Both absent = the whole history.
    * Accepted values: 'YYYY-MM-DD', or an ISO datetime at UTC midnight ('2024-01-03T00:00:00+00:00',
      '2024-01-03 00:00:00Z', ...), as Dagster's TimeWindow.isoformat() gives. Anything else is an error,
      so a window can never be silently misread.
-#}
{% macro partition_window() %}
    {%- set pattern = '^\d{4}-\d{2}-\d{2}([T ]00:00(:00(\.0+)?)?(Z|[+-]00(:?00)?)?)?$' -%}
    {%- set bounds = {} -%}
    {%- for name in ['min_date', 'max_date'] -%}
        {%- set raw = var(name, none) -%}
        {%- set text = (raw | string | trim) if raw is not none else '' -%}
        {%- if text in ('', 'None', 'null') -%}
            {%- do bounds.update({name: none}) -%}
        {%- elif modules.re.match(pattern, text) -%}
            {#- fromisoformat rejects impossible dates such as 2024-02-30 -#}
            {%- do bounds.update({name: modules.datetime.date.fromisoformat(text[:10]).isoformat()}) -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ name ~ "='" ~ text ~ "' is not an ISO date (YYYY-MM-DD) or a UTC-midnight ISO datetime"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if bounds['min_date'] and bounds['max_date'] and bounds['min_date'] > bounds['max_date'] -%}
        {{ exceptions.raise_compiler_error(
            "partition window is inverted: min_date=" ~ bounds['min_date'] ~ " > max_date=" ~ bounds['max_date']
        ) }}
    {%- endif -%}
    {{ return(bounds) }}
{% endmacro %}


{#- A portable DATE literal. -#}
{% macro date_literal(iso_date) -%}
    {{ dbt.cast("'" ~ iso_date ~ "'", api.Column.translate_type('date')) | trim }}
{%- endmacro %}


{#-
    SQL predicate "column lies inside the partition window" ('1 = 1' when the window is the whole history).
    Used by the replace_window strategy to delete the window; use in_partition_window() in models.
-#}
{% macro partition_window_predicate(column) %}
    {%- set window = partition_window() -%}
    {%- set clauses = [] -%}
    {%- if window['min_date'] -%}
        {%- do clauses.append(column ~ ' >= ' ~ date_literal(window['min_date'])) -%}
    {%- endif -%}
    {%- if window['max_date'] -%}
        {%- do clauses.append(column ~ ' < ' ~ date_literal(window['max_date'])) -%}
    {%- endif -%}
    {{ return('(' ~ (clauses | join(' and ')) ~ ')' if clauses else '(1 = 1)') }}
{% endmacro %}


{#-
    The filter a windowed model puts on its input: the partition window, except under --full-refresh
    (or config full_refresh: true), which rebuilds the whole history whatever the vars say.
    On the very first build (table absent) the window still applies: the table then holds only the
    partitions that were built, which is what the orchestrator recorded.
-#}
{% macro in_partition_window(column) %}
    {%- if should_full_refresh() -%}
        {{ return('(1 = 1)') }}
    {%- endif -%}
    {{ return(partition_window_predicate(column)) }}
{% endmacro %}


{#-
    SQL predicate "column lies in the partition window widened by days_before days backwards and days_after
    forwards": what a partition run reads around its window (a trailing window, a trace's other calls, the
    earlier days of the rolling periods that end in the window: macros/analytics_periods.sql).
    '1 = 1' when the window is the whole history (a full build reads everything) and under --full-refresh,
    as in_partition_window; an open side stays open.
-#}
{% macro in_widened_window(column, days_before=0, days_after=0) %}
    {%- set window = partition_window() -%}
    {%- if should_full_refresh() or not (window['min_date'] or window['max_date']) -%}
        {{ return('(1 = 1)') }}
    {%- endif -%}
    {%- if days_before < 0 or days_after < 0 -%}
        {{ exceptions.raise_compiler_error("a window is widened by >= 0 days, got " ~ days_before ~ ", " ~ days_after) }}
    {%- endif -%}
    {%- set day = modules.datetime.date.fromisoformat -%}
    {%- set delta = modules.datetime.timedelta -%}
    {%- set clauses = [] -%}
    {%- if window['min_date'] -%}
        {%- set first = day(window['min_date']) - delta(days=days_before) -%}
        {%- do clauses.append(column ~ ' >= ' ~ date_literal(first.isoformat())) -%}
    {%- endif -%}
    {%- if window['max_date'] -%}
        {%- set end = day(window['max_date']) + delta(days=days_after) -%}
        {%- do clauses.append(column ~ ' < ' ~ date_literal(end.isoformat())) -%}
    {%- endif -%}
    {{ return('(' ~ (clauses | join(' and ')) ~ ')') }}
{% endmacro %}


{#-
    The rows a partition run reads around its window for what belongs to the window's traces: a call's
    parent, a trace's other calls, its tool calls. The window widened by var trace_span_days (default 7: the
    calls of one trace lie within that many days of each other) backwards, and forwards too with after=true
    (a trace that starts in the window may go on after it). A parent starts before its call, so before alone
    finds every parent less than trace_span_days older than its call. The read then costs the same whatever
    the history's length; a trace longer than that is cut in a partition run (not in a full build).
-#}
{% macro in_trace_span_window(column, after=false) %}
    {%- set span = var('trace_span_days', 7) | int -%}
    {{ return(in_widened_window(column, span, span if after else 0)) }}
{% endmacro %}
