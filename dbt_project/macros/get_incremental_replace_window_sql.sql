{#-
    Custom incremental strategy 'replace_window' (config: incremental_strategy='replace_window').

    Replaces the partition window [var min_date, var max_date) of the target exactly:
        delete from target where day in window;   insert into target select * from new rows;
    in the one transaction dbt's incremental materialization wraps around its main statement, so readers
    see the old window or the new one, never a mix; days outside the window are never touched; a day that
    became empty at the source becomes empty in the target. With no window vars the whole table is
    replaced (window = the whole history).

    Guard: the model's new rows must all lie inside the window (and have a non-null day). Otherwise the
    model forgot its in_partition_window() filter and the run fails instead of duplicating other days.

    The partition column is 'day' unless the model sets config meta: {partition_window_column: ...}. A pricing
    mart (meta restated_with_price_book: true) replaces every day instead when the price book changed since it
    was built (macros/price_book.sql, price_book_window).

    Vendor isolation: in a partial run (var missing_source_systems not empty, macros/source_systems.sql) a
    model with a source_system column (or the column named by meta source_system_column) neither deletes nor
    inserts the missing source systems' rows: their rows of the window stay as the last build left them,
    while the other source systems' rows are replaced. A model that writes the missing source systems' rows
    itself (source_coverage_daily, source_reconciliation_daily: meta writes_missing_source_systems: true)
    has its whole window replaced as usual.
    dbt-core resolves incremental strategies by macro name (get_incremental_<strategy>_sql), which
    dbt-duckdb 1.11 and dbt-postgres 1.11 inherit (dbt.adapters.base.impl.get_incremental_strategy_macro):
    custom, non-builtin strategy names are allowed.

    One implementation serves DuckDB and PostgreSQL: a DELETE with a date predicate and an INSERT ... SELECT are
    the same SQL on both (tests/postgres/test_parity.py builds day 2 through it on PostgreSQL). Spark's Parquet
    tables have no DELETE: spark__get_incremental_replace_window_sql below rewrites the table (tests/spark).

    Clustering: rows are inserted in partition-column order, and the first build writes them in that order too
    (create_table_as below). DuckDB skips row groups by their min/max (zone maps), so a later partition run that
    reads a few days of a table built by a multi-day run (the first build, a one-run backfill) reads those days'
    row groups only instead of the whole history (README Performance; tests/unit/dbt/test_clustering.py).
-#}
{% macro get_incremental_replace_window_sql(arg_dict) %}
    {{ return(adapter.dispatch('get_incremental_replace_window_sql', 'ai_economics')(arg_dict)) }}
{% endmacro %}


{% macro default__get_incremental_replace_window_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set predicate = replace_window_predicate(target, source) -%}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set kept = replace_window_kept_source_systems(arg_dict['dest_columns']) %}

    delete from {{ target }}
    where {{ predicate }}{% if kept %}
        and {{ kept }}{% endif %};

    insert into {{ target }} ({{ dest_cols_csv }})
    (
        select {{ dest_cols_csv }}
        from {{ source }}{% if kept %}
        where {{ kept }}{% endif %}{% if replace_window_sorts() or predicate != partition_window_predicate(replace_window_column()) %}
        order by {{ replace_window_column() }}{% endif %}
    )
{% endmacro %}


{#- Whether a build's rows are worth sorting (Clustering above): not when the window is one day, whose rows
    share their day already (a partition run: sorting a million rows of one day only costs time and memory —
    the 1M-call day's fct_ai_calls ran out of DuckDB's 1.5 GB cap doing it); a restated pricing mart is sorted
    whatever its window (replace_window_predicate then replaces every day). -#}
{% macro replace_window_sorts() %}
    {%- set window = partition_window() -%}
    {%- if window['min_date'] and window['max_date'] -%}
        {%- set first = modules.datetime.date.fromisoformat(window['min_date']) -%}
        {%- set end = modules.datetime.date.fromisoformat(window['max_date']) -%}
        {{ return((end - first).days > 1) }}
    {%- endif -%}
    {{ return(true) }}
{% endmacro %}


{#- The partition column a replace_window model's window is of: 'day' unless meta partition_window_column. -#}
{% macro replace_window_column() %}
    {{ return((config.get('meta') or {}).get('partition_window_column', 'day')) }}
{% endmacro %}


{#- A replace_window model's table is written in partition-column order (see Clustering above): this overrides
    dbt's create_table_as for the root project, orders the model's rows and hands them to the adapter's own
    create_table_as (dbt-duckdb's, dbt-postgres's, dbt-spark's), unchanged for every other table. Temporary
    relations (an incremental run's new rows) are not sorted: the insert above orders them. -#}
{% macro create_table_as(temporary, relation, compiled_code, language='sql') %}
    {%- set code = compiled_code -%}
    {%- if language == 'sql' and not temporary and config.get('materialized') == 'incremental'
        and config.get('incremental_strategy') == 'replace_window' and replace_window_sorts() -%}
        {%- set code = 'select * from (\n' ~ compiled_code ~ '\n) as model_rows order by ' ~ replace_window_column() -%}
    {%- endif -%}
    {#- as dbt's own create_table_as: an adapter whose macro takes no language (dbt-postgres) gets three arguments;
        dbt-duckdb's keyword arguments (partitioned_by, sorted_by) are passed on when set -#}
    {%- set options = {} -%}
    {%- for name, value in kwargs.items() if value is not none -%}
        {%- do options.update({name: value}) -%}
    {%- endfor -%}
    {%- if language == 'sql' and not options -%}
        {{ return(adapter.dispatch('create_table_as', 'dbt')(temporary, relation, code)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('create_table_as', 'dbt')(temporary, relation, code, language, **options)) }}
{% endmacro %}


{#- Spark (Parquet tables: no DELETE, and a table cannot be overwritten by a query that reads it, as the new rows
    of source_coverage_daily's partial run do): the table's next content (its rows outside the window or of a
    missing source system, and the new rows) is written aside first, then the table is overwritten with it.
    The whole table is rewritten: a cost that grows with history (docs/scale-out.md, Sizing). dbt runs one 'main'
    statement and Spark one statement per call, so both steps run here and the main statement drops the copy. -#}
{% macro spark__get_incremental_replace_window_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set predicate = replace_window_predicate(target, source) -%}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set kept = replace_window_kept_source_systems(arg_dict['dest_columns']) -%}
    {%- set replaced = predicate ~ (' and ' ~ kept if kept else '') -%}
    {%- set next = target.incorporate(path={"identifier": target.identifier ~ '__dbt_next'}) -%}
    {%- if execute -%}
        {%- do run_query('drop table if exists ' ~ next) -%}
        {%- do run_query('create table ' ~ next ~ ' using parquet as select ' ~ dest_cols_csv ~ ' from ' ~ target
            ~ ' where not coalesce(' ~ replaced ~ ', false) union all select ' ~ dest_cols_csv ~ ' from ' ~ source
            ~ (' where ' ~ kept if kept else '')) -%}
        {%- do run_query('insert overwrite table ' ~ target ~ ' select ' ~ dest_cols_csv ~ ' from ' ~ next) -%}
    {%- endif %}
    drop table if exists {{ next }}
{% endmacro %}


{#- The window predicate replace_window replaces, after checking that every new row lies inside it. -#}
{% macro replace_window_predicate(target, source) %}
    {%- set column = replace_window_column() -%}
    {%- set predicate = partition_window_predicate(column) -%}
    {%- if execute and (config.get('meta') or {}).get('restated_with_price_book') -%}
        {#- the model read every day (price_book_window) when its rows are of another price-book version than
            the new ones: then every day is replaced -#}
        {%- set stale = run_query(
            'select count(*) from ' ~ target ~ ' where price_book_version <> (select max(price_book_version) from '
            ~ source ~ ')'
        ).columns[0].values()[0] -%}
        {%- if stale > 0 -%}
            {%- set predicate = '(1 = 1)' -%}
        {%- endif -%}
    {%- endif -%}
    {%- if execute -%}
        {%- set outside = run_query(
            'select count(*) from ' ~ source ~ ' where ' ~ column ~ ' is null or not ' ~ predicate
        ).columns[0].values()[0] -%}
        {%- if outside > 0 -%}
            {{ exceptions.raise_compiler_error(
                'replace_window: ' ~ outside ~ ' new row(s) of ' ~ target ~ ' have ' ~ column
                ~ ' outside the partition window ' ~ predicate ~ ' (or null); filter the model with in_partition_window()'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(predicate) }}
{% endmacro %}


{#- dbt-spark accepts only its own strategy names and maps them to SQL itself (its incremental
    materialization): replace_window is added in front of both; every other strategy is dbt-spark's. -#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {%- if raw_strategy == 'replace_window' -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{% endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- if strategy == 'replace_window' -%}
        {{ return(get_incremental_replace_window_sql({
            'target_relation': target, 'temp_relation': source,
            'dest_columns': adapter.get_columns_in_relation(target)})) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates)) }}
{% endmacro %}


{#- The predicate "the row is not a missing source system's" for a model whose rows of missing source systems
    stay as they were in a partial run; none when nothing is kept (a normal run, a model without a
    source_system column, or a model that writes those rows itself). -#}
{% macro replace_window_kept_source_systems(dest_columns) %}
    {%- set missing = missing_source_systems() -%}
    {%- set meta = config.get('meta') or {} -%}
    {%- if not missing or meta.get('writes_missing_source_systems') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set column = meta.get('source_system_column') -%}
    {%- if not column -%}
        {%- if 'source_system' not in (dest_columns | map(attribute='name') | map('lower') | list) -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set column = 'source_system' -%}
    {%- endif -%}
    {{ log('replace_window: ' ~ this ~ ' keeps the rows of ' ~ (missing | join(', ')) ~ ' in the window', info=true) }}
    {{ return('(' ~ column ~ ' is null or ' ~ column ~ ' not in ' ~ source_system_literals(missing) ~ ')') }}
{% endmacro %}
