{#-
    Fails on every combination of the given columns that occurs more than once. NULLs compare equal
    (GROUP BY semantics), so a NULL dimension is one value, as it is in the marts. quote_columns: quote each
    name the adapter's way (FOCUS's PascalCase columns).
-#}
{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}

{%- set names = [] -%}
{%- for column in combination_of_columns -%}
    {%- do names.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}
{%- set columns_csv = names | join(', ') -%}

select
    {{ columns_csv }},
    count(*) as n_records
from {{ model }}
group by {{ columns_csv }}
having count(*) > 1

{% endtest %}
