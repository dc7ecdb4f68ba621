{#-
    Builders of the lines of source_reconciliation_daily (the model's own file holds the one declarative list
    of analytics it reconciles, and the ref() of every relation a line reads). A line is an analytic and
    measure, its unit, the vendor's figure and ours, each side a {relation, filter, group, value}: relation is
    a relation (the result of ref() in the model), filter a SQL predicate on it, group a column (or a constant)
    to compare per, value the column summed.
-#}

{#- Revenium family B (analytics_aggregated): one metric of an endpoint, per group. group: the vendor's group
    as the marts hold it (cost-by-user: the e-mail as subscriber_email_for_analysts makes it). -#}
{% macro revenium_aggregated_figure(relation, endpoint, label, group='group_name') -%}
    {{ return(reconciliation_figure(
        relation, 'metric_result', group,
        "endpoint = '" ~ endpoint ~ "' and metric_label = '" ~ label ~ "'",
    )) }}
{%- endmacro %}

{#- Revenium family A (analytics_timeseries): one metric of an endpoint, its hourly buckets summed per day. -#}
{% macro revenium_timeseries_figure(relation, endpoint, label='cost') -%}
    {{ return(reconciliation_figure(
        relation, 'metric_result', 'group_name',
        "endpoint = '" ~ endpoint ~ "' and metric_label = '" ~ label ~ "'",
    )) }}
{%- endmacro %}

{#- Ours: cost_by_dimension_daily (the relation) for a dimension and source, per value (or the source's daily total). -#}
{% macro cost_by_dimension_figure(relation, dimension_name, source_system='revenium', total=false) -%}
    {{ return(reconciliation_figure(
        relation, 'cost_usd', "'(total)'" if total else 'dimension_value',
        "dimension_name = '" ~ dimension_name ~ "' and source_system = '" ~ source_system ~ "'",
    )) }}
{%- endmacro %}

{#- A plain {relation, filter, group, value} side. -#}
{% macro reconciliation_figure(relation, value, group="'(total)'", filter='1 = 1') -%}
    {{ return({'relation': relation, 'filter': filter, 'group': group, 'value': value}) }}
{%- endmacro %}

{#- One line: requires_dimension makes it active only while cost_dimensions() has that dimension. -#}
{% macro reconciliation_line(analytic, measure, unit, vendor, ours, source_system='revenium', requires_dimension=none) -%}
    {{ return({
        'analytic': analytic, 'measure': measure, 'unit': unit, 'source_system': source_system,
        'vendor': vendor, 'ours': ours, 'requires_dimension': requires_dimension,
    }) }}
{%- endmacro %}
