{#-
    Cross-database helpers. Everything adapter-specific in this project lives here, behind
    adapter.dispatch, with a default__ implementation (ANSI-ish), a duckdb__ one and a postgres__ one.
-#}

{#- Text value of a top-level key of a JSON object held as text; NULL when absent or not valid JSON. -#}
{% macro json_extract_text(column, key) -%}
    {%- if "'" in key or '"' in key -%}
        {{ exceptions.raise_compiler_error("json_extract_text: unsupported quote in JSON key " ~ key) }}
    {%- endif -%}
    {{ return(adapter.dispatch('json_extract_text', 'ai_economics')(column, key)) }}
{%- endmacro %}

{% macro default__json_extract_text(column, key) -%}
    json_extract_path_text({{ column }}, '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_extract_text(column, key) -%}
    case when json_valid({{ column }}) then json_extract_string({{ column }}, '$."{{ key }}"') end
{%- endmacro %}

{% macro postgres__json_extract_text(column, key) -%}
    (cast({{ column }} as jsonb) ->> '{{ key }}')
{%- endmacro %}

{#- Spark reads '' inside a literal as two adjacent literals, not a quote: the key's quotes are escaped with \. -#}
{% macro spark__json_extract_text(column, key) -%}
    get_json_object({{ column }}, '$[\'{{ key }}\']')
{%- endmacro %}


{#-
    A TIMESTAMP WITH TIME ZONE as a zone-less timestamp in UTC. Casting a timestamptz to date, or
    date_trunc on it, follows the *session* time zone in DuckDB and Postgres; going through this
    first makes days and hours UTC whatever the session says.
-#}
{% macro to_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('to_utc_timestamp', 'ai_economics')(column)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(column) -%}
    ({{ column }} at time zone 'UTC')
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(column) -%}
    timezone('UTC', {{ column }})
{%- endmacro %}

{% macro postgres__to_utc_timestamp(column) -%}
    ({{ column }} at time zone 'UTC')
{%- endmacro %}

{#- Spark 3.5 has one timestamp type, an instant shown (and cast to date) in the session time zone, which the
    spark profile pins to UTC (spark.sql.session.timeZone): the instant is already its UTC wall time. -#}
{% macro spark__to_utc_timestamp(column) -%}
    {{ column }}
{%- endmacro %}


{#- UTC calendar day (DATE) of a timestamptz. -#}
{% macro utc_date(column) -%}
    {{ dbt.cast(to_utc_timestamp(column), api.Column.translate_type('date')) | trim }}
{%- endmacro %}


{#- Start of the UTC hour of a timestamptz, as a zone-less TIMESTAMP in UTC. -#}
{% macro utc_hour(column) -%}
    {{ dbt.date_trunc('hour', to_utc_timestamp(column)) | trim }}
{%- endmacro %}


{#- The slash path without its last segment ('/a/b/c' -> '/a/b'); NULL for a root path ('/a'). -#}
{% macro parent_path(column) -%}
    {{ return(adapter.dispatch('parent_path', 'ai_economics')(column)) }}
{%- endmacro %}

{% macro default__parent_path(column) -%}
    nullif(regexp_replace({{ column }}, '/[^/]*$', ''), '')
{%- endmacro %}


{#- The money type: DECIMAL(18,9) everywhere (docs/conventions.md). Exact: sums do not depend on the order in which
    a parallel engine adds rows, so a re-run of a partition reproduces every mart byte for byte. -#}
{% macro type_usd() -%}
    {{ return(adapter.dispatch('type_usd', 'ai_economics')()) }}
{%- endmacro %}

{% macro default__type_usd() -%}
    numeric(18, 9)
{%- endmacro %}


{#- A sum of integers as BIGINT on every adapter (PostgreSQL widens sum(bigint) to NUMERIC, DuckDB to HUGEINT),
    so marts keep one integer type across databases and BI tools. -#}
{% macro integer_sum(expression) -%}
    {{ dbt.cast('sum(' ~ expression ~ ')', dbt.type_bigint()) }}
{%- endmacro %}


{#- Whole milliseconds from start to end as BIGINT (dbt-postgres' datediff in milliseconds is a float). -#}
{% macro milliseconds_between(start, end) -%}
    {{ dbt.cast(dbt.datediff(start, end, 'millisecond'), dbt.type_bigint()) }}
{%- endmacro %}


{#- "not materialized" after "<cte> as" for a CTE read more than once whose rows a consumer filters: DuckDB
    and PostgreSQL (12+) otherwise materialize such a CTE whole, so a filter on the view (a partition run's
    window on day) could not reach the tables below it and every run would read the whole history (issue 8).
    Inlining changes no result. Other adapters: nothing (their default). -#}
{% macro cte_inlined() -%}
    {{ return(adapter.dispatch('cte_inlined', 'ai_economics')()) }}
{%- endmacro %}

{% macro default__cte_inlined() -%}
{%- endmacro %}

{% macro duckdb__cte_inlined() -%}
    not materialized
{%- endmacro %}

{% macro postgres__cte_inlined() -%}
    not materialized
{%- endmacro %}


{#- How a mart that is only a view of another (the per-dimension cost_by_*_daily) is materialized: a view, except
    on Spark, where the publish step reads each mart's Parquet files (dagster_project/spark_lake.py) and a view
    has none: there it is a table, rebuilt each run from the mart it reads. -#}
{% macro served_view_materialization() -%}
    {{ return(adapter.dispatch('served_view_materialization', 'ai_economics')()) }}
{%- endmacro %}

{% macro default__served_view_materialization() -%}
    {{ return('view') }}
{%- endmacro %}

{% macro spark__served_view_materialization() -%}
    {{ return('table') }}
{%- endmacro %}


{#- dbt.listagg with its order: the measure's values joined by the delimiter in the order of order_by (one
    expression). dbt-spark's listagg drops the order (collect_list has none): on Spark the (order, value)
    pairs are collected and sorted first. -#}
{% macro ordered_listagg(measure, delimiter_text, order_by) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'ai_economics')(measure, delimiter_text, order_by)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter_text, order_by) -%}
    {{ return(dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by)) }}
{%- endmacro %}

{% macro spark__ordered_listagg(measure, delimiter_text, order_by) -%}
    array_join(transform(array_sort(collect_list(struct({{ order_by }} as k, {{ measure }} as v))), x -> x.v), {{ delimiter_text }})
{%- endmacro %}


{#- A text as a SQL string literal: quotes doubled (ANSI); on Spark, where a backslash escapes and '' is not a
    quote, backslashes and quotes escaped with a backslash. -#}
{% macro string_literal(text) -%}
    {{ return(adapter.dispatch('string_literal', 'ai_economics')(text)) }}
{%- endmacro %}

{% macro default__string_literal(text) -%}
    {{ return("'" ~ (text | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{% macro spark__string_literal(text) -%}
    {{ return("'" ~ (text | string | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'") }}
{%- endmacro %}
