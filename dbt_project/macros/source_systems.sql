{#-
    Vendor isolation (docs/partitions.md, dagster_project/defs/isolation.py): the source systems of a run.

    * var source_systems: every source system this deployment ingests (the enabled vendors, AIECON_VENDORS:
      ingestion/vendors.py enabled_vendors(), passed by the orchestrator and aiecon build, so no SQL lists the
      vendors); none when not given. A registered vendor outside it still has its raw tables, created empty
      (ingestion/core/raw_schema.py), so its staging views build empty and no mart holds a row of it (a
      vendor disabled after it loaded keeps the raw rows it landed, and so its history: docs/partitions.md).
    * var missing_source_systems: the source systems a partial run leaves out because their ingest (or a
      gate on their raw data) failed for the window. The replace_window strategy then keeps their rows of
      the window as they were, in every model with a source_system column
      (macros/get_incremental_replace_window_sql.sql); source_coverage_daily marks them missing.
    * var missing_reasons {source system: cause} and failed_run_id: what failed, for source_coverage_daily.
-#}

{#- A list of source system names from a var: a list, a comma-separated string, or nothing. Names are
    lower-case identifiers, so they can be written into SQL literals as they are. -#}
{% macro _source_system_list(var_name) %}
    {%- set raw = var(var_name, none) -%}
    {%- if raw is none or raw == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set names = raw.split(',') if raw is string else raw -%}
    {%- set result = [] -%}
    {%- for name in names -%}
        {%- set name = (name | string | trim) -%}
        {%- if name and not modules.re.match('^[a-z][a-z0-9_]*$', name) -%}
            {{ exceptions.raise_compiler_error("var " ~ var_name ~ ": '" ~ name ~ "' is not a source system name") }}
        {%- endif -%}
        {%- if name and name not in result -%}
            {%- do result.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(result) }}
{% endmacro %}


{#- The source systems a partial run leaves out ([] in a normal run). -#}
{% macro missing_source_systems() %}
    {{ return(_source_system_list('missing_source_systems') or []) }}
{% endmacro %}


{#- Every enabled source system (var source_systems), or none when the run did not say. -#}
{% macro source_systems() %}
    {{ return(_source_system_list('source_systems')) }}
{% endmacro %}


{#- SQL list literal of names: ('a', 'b'). -#}
{% macro source_system_literals(names) %}
    {{ return("('" ~ (names | join("', '")) ~ "')") }}
{% endmacro %}


{#- The cause a missing source system's ingest failed with (var missing_reasons), as a SQL literal or NULL. -#}
{% macro missing_reason_literal(source_system) %}
    {%- set reasons = var('missing_reasons', none) or {} -%}
    {%- set reason = (reasons.get(source_system) if reasons is mapping else none) or '' -%}
    {%- if reason -%}
        {{ return("'" ~ dbt.escape_single_quotes(reason | string) ~ "'") }}
    {%- endif -%}
    {{ return(dbt.cast('null', dbt.type_string())) }}
{% endmacro %}


{#-
    The UTC days of the partition window as a query with one column, day: a literal row per day when the
    window is bounded on both sides (and not a full refresh); otherwise the distinct days of fallback_relation
    (a relation with a day column) inside the window.
-#}
{% macro partition_window_days_sql(fallback_relation) %}
    {%- set window = partition_window() -%}
    {%- if should_full_refresh() or not (window['min_date'] and window['max_date']) -%}
        {{ return('select distinct day from ' ~ fallback_relation ~ ' where ' ~ in_partition_window('day')) }}
    {%- endif -%}
    {%- set first = modules.datetime.date.fromisoformat(window['min_date']) -%}
    {%- set end = modules.datetime.date.fromisoformat(window['max_date']) -%}
    {%- set selects = [] -%}
    {%- for offset in range((end - first).days) -%}
        {%- set day = first + modules.datetime.timedelta(days=offset) -%}
        {%- do selects.append('select ' ~ date_literal(day.isoformat()) ~ ' as day') -%}
    {%- endfor -%}
    {%- if not selects -%}
        {{ return('select ' ~ date_literal(window['min_date']) ~ ' as day where 1 = 0') }}
    {%- endif -%}
    {{ return(selects | join('\n    union all\n    ')) }}
{% endmacro %}
