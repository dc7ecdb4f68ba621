{#-
    Data tests of a partition run test the partition window only (issue 8: a one-day run must not cost
    what the history costs).

    dbt hands every generic test its model as get_where_subquery(relation); this project's version adds,
    when no explicit `where` is configured, the filter "<partition column> in the run's window" on the
    tested model. The partition column is the one the replace_window strategy replaces (config meta
    partition_window_column, else 'day' when the model has a documented 'day' column); views (staging,
    intermediate) are filtered on their 'day' the same way. A model with neither is tested whole.

    * No min_date / max_date (or --full-refresh): the filter is '(1 = 1)' and the test reads the relation
      itself, exactly as before: the whole history is tested.
    * Why this is sound: a partition run replaces only the window's rows of every incremental table, and
      raw tables are loaded per day (delete-insert by _day), so the rows outside the window are the ones an
      earlier run of their own partition already tested.
    * What a window test cannot see: a violation that needs two rows on different days, e.g. the same
      call_id on two days. Such keys are checked by the generic test unique_across_history (on the facts'
      keys: the window's keys against the whole table, a one-column scan), otherwise by a run without vars.
    * A test that must see the whole relation sets config meta {test_whole_history: true}.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') or test_partition_window_filter() -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{#- The window filter of the current test's model, or none (test the whole relation). -#}
{% macro test_partition_window_filter() %}
    {%- if (config.get('meta') or {}).get('test_whole_history') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set column = tested_model_partition_column() -%}
    {%- if not column -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set predicate = in_partition_window(column) -%}
    {{ return(none if predicate == '(1 = 1)' else predicate) }}
{% endmacro %}


{#-
    The partition column of the model the current generic test is attached to: its config meta
    partition_window_column, else 'day' if it has a 'day' column, else none (also outside execution,
    when the graph is not available).
-#}
{% macro tested_model_partition_column() %}
    {%- set node_id = model.get('attached_node') if model is mapping else none -%}
    {%- set node = graph.nodes.get(node_id) if (execute and node_id) else none -%}
    {%- if not node -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set meta = node.get('config', {}).get('meta') or {} -%}
    {%- if meta.get('partition_window_column') -%}
        {{ return(meta['partition_window_column']) }}
    {%- endif -%}
    {{ return('day' if 'day' in node.get('columns', {}) else none) }}
{% endmacro %}
