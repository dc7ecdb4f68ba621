{#-
    Like unique, for a partition run: fails on every value of the column that occurs more than once in the
    whole relation AND at least once in the partition window, so a key of the window that repeats a key of
    another day is caught by the one-day run (the whole relation is read for this one column only). With
    no window (or --full-refresh) it is plain uniqueness over the whole relation. NULLs are ignored, as by
    dbt's unique. The window column is the tested model's partition column (macros/test_partition_window.sql).
-#}
{% test unique_across_history(model, column_name) %}
{{ config(meta={'test_whole_history': true}) }}

{%- set window_column = tested_model_partition_column() or 'day' -%}
{%- set predicate = in_partition_window(window_column) -%}

select
    {{ column_name }},
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
{%- if predicate != '(1 = 1)' %}
    and {{ column_name }} in (
        select {{ column_name }} from {{ model }} where {{ predicate }}
    )
{%- endif %}
group by {{ column_name }}
having count(*) > 1

{% endtest %}
