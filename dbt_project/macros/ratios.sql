{#-
    Ratios of the roi / finops / quality marts. Money is DECIMAL(18,9) (type_usd); a ratio of two amounts is
    a DOUBLE PRECISION (both DuckDB and Postgres know the type; dbt.type_float() is a 4-byte FLOAT on DuckDB),
    NULL when the denominator is 0 or NULL, never a division error.
-#}
{% macro safe_ratio(numerator, denominator) -%}
    ({{ dbt.cast(numerator, type_double()) }} / nullif({{ dbt.cast(denominator, type_double()) }}, 0))
{%- endmacro %}
