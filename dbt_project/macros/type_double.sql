{#-
    An 8-byte floating point type for ratios, averages and percentiles. dbt.type_float() is FLOAT, which is
    4 bytes in DuckDB (7 significant digits: shares would not add up to 1); DOUBLE PRECISION is the 8-byte
    type in both DuckDB and PostgreSQL.
-#}
{% macro type_double() -%}
    double precision
{%- endmacro %}
