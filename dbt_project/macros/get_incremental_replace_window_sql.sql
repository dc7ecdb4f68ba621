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

    The partition column is 'day' unless the model sets config meta: {partition_window_column: ...}.
    dbt-core resolves incremental strategies by macro name (get_incremental_<strategy>_sql), which
    dbt-duckdb 1.11 and dbt-postgres 1.11 inherit (dbt.adapters.base.impl.get_incremental_strategy_macro):
    custom, non-builtin strategy names are allowed.

    One implementation serves both adapters: a DELETE with a date predicate and an INSERT ... SELECT are the
    same SQL on DuckDB and PostgreSQL (tests/postgres/test_parity.py builds day 2 through it on PostgreSQL).
    An adapter that needs other SQL (e.g. a partition overwrite) adds its own <adapter>__ version here.
-#}
{% macro get_incremental_replace_window_sql(arg_dict) %}
    {{ return(adapter.dispatch('get_incremental_replace_window_sql', 'ai_economics')(arg_dict)) }}
{% endmacro %}


{% macro default__get_incremental_replace_window_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set column = (config.get('meta') or {}).get('partition_window_column', 'day') -%}
    {%- set predicate = partition_window_predicate(column) -%}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}

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
    {%- endif %}

    delete from {{ target }}
    where {{ predicate }};

    insert into {{ target }} ({{ dest_cols_csv }})
    (
        select {{ dest_cols_csv }}
        from {{ source }}
    )
{% endmacro %}
