{#-
    An 8-byte floating point type for ratios, averages and percentiles. dbt.type_float() is FLOAT, which is
    4 bytes in DuckDB (7 significant digits: shares would not add up to 1); DOUBLE PRECISION is the 8-byte
    type in both DuckDB and PostgreSQL, DOUBLE in Spark (which does not parse DOUBLE PRECISION).
-#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'ai_economics')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
