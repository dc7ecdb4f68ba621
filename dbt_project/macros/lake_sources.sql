{#-
    on-run-start: on Spark, every dbt source is declared as an external Parquet table over its folder of the
    lake (dagster_project/spark_lake.py writes the folders), partitioned by _day, with the columns and types of
    the generated sources YAML. Dropped and declared again on every run: the declaration follows the
    sources YAML without a migration, and dropping an external table leaves its files. Other adapters: the
    raw tables are dlt's own, nothing to do.
-#}
{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources', 'ai_economics')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
    select 1
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
        {%- set lake = env_var('AIECON_SPARK_DIR', env_var('AIECON_DATA_DIR', '../data') ~ '/spark') ~ '/lake' -%}
        {%- set spark_types = {
            'varchar': 'string', 'bigint': 'bigint', 'double': 'double', 'boolean': 'boolean',
            'date': 'date', 'timestamp with time zone': 'timestamp'} -%}
        {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- set columns = [] -%}
            {%- for column in source.columns.values() -%}
                {%- if column.data_type not in spark_types -%}
                    {{ exceptions.raise_compiler_error("register_lake_sources: no Spark type for " ~ source.schema ~ "." ~ source.name ~ "." ~ column.name ~ " (" ~ column.data_type ~ ")") }}
                {%- endif -%}
                {%- do columns.append(adapter.quote(column.name) ~ ' ' ~ spark_types[column.data_type]) -%}
            {%- endfor -%}
            {%- set relation = adapter.quote(source.schema) ~ '.' ~ adapter.quote(source.identifier) -%}
            {%- do run_query('create database if not exists ' ~ adapter.quote(source.schema)) -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query('create table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ') using parquet'
                ~ ' partitioned by (_day) location ' ~ "'" ~ lake ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ "'") -%}
            {%- do run_query('alter table ' ~ relation ~ ' recover partitions') -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}


{#-
    dbt-spark's seed loader binds each value through Python's % formatting: a NULL arrives as the text 'None'
    and a backslash is read as a Spark string escape ('\d' becomes 'd'), so the price book's empty cells and
    regular expressions would differ from every other engine's. This loader writes each value as a Spark SQL
    literal instead: NULL as null, text with its backslashes and quotes escaped.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast({{ string_literal(value) }} as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
