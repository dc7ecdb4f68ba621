{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
    )
}}
{#-
    Our figures against each vendor's own analytics, per UTC day, source system, analytic, measure and group:
    one block per line of reconciliation_analytics() (macros/reconciliation_analytics.sql), the single place
    that maps an analytic to its vendor figure and our mart. A (day, analytic, measure) is reconciled when the
    vendor reported that analytic for the day: a group only one side has is a mismatch (its other figure
    NULL). Tolerance per unit: var reconciliation_tolerance. Incremental by partition window (day).
-#}
{%- set tolerance = var('reconciliation_tolerance') -%}
{%- set double = 'double precision' -%}
{#- Figures are summed as exact decimals, then made DOUBLE: a sum of doubles depends on the order a parallel
    engine adds them, and a re-run must reproduce the table byte for byte. -#}
{%- set exact = 'numeric(38, 9)' -%}
{%- set lines = reconciliation_analytics() -%}

with

{% for line in lines %}
{%- set v = line['vendor'] -%}
{%- set o = line['ours'] -%}
{%- set key = 'line_' ~ loop.index -%}
{{ key }}_vendor as (

    select
        day,
        lower({{ dimension_value_or_not_set(v['group']) }}) as group_name,
        {{ dbt.cast('sum(' ~ dbt.cast(v['value'], exact) ~ ')', double) }} as figure
    from {{ ref(v['relation']) }}
    where {{ in_partition_window('day') }}
        and {{ v['filter'] }}
    group by day, lower({{ dimension_value_or_not_set(v['group']) }})

),

{{ key }}_ours as (

    select
        day,
        lower({{ dimension_value_or_not_set(o['group']) }}) as group_name,
        {{ dbt.cast('sum(' ~ dbt.cast(o['value'], exact) ~ ')', double) }} as figure
    from {{ ref(o['relation']) }}
    where {{ in_partition_window('day') }}
        and {{ o['filter'] }}
        and day in (select day from {{ key }}_vendor)
    group by day, lower({{ dimension_value_or_not_set(o['group']) }})

),

{{ key }} as (

    select
        coalesce({{ key }}_ours.day, {{ key }}_vendor.day) as day,
        '{{ line['source_system'] }}' as source_system,
        '{{ line['analytic'] }}' as analytic,
        '{{ line['measure'] }}' as measure,
        coalesce({{ key }}_ours.group_name, {{ key }}_vendor.group_name) as group_name,
        '{{ line['unit'] }}' as unit,
        '{{ o['relation'] }}' as our_mart,
        {{ key }}_ours.figure as our_figure,
        {{ key }}_vendor.figure as vendor_figure,
        {{ dbt.cast(tolerance[line['unit']], double) }} as tolerance
    from {{ key }}_ours
    full outer join {{ key }}_vendor
        on {{ key }}_vendor.day = {{ key }}_ours.day
        and {{ key }}_vendor.group_name = {{ key }}_ours.group_name

),

{% endfor %}
unioned as (

    {% for line in lines -%}
    select * from line_{{ loop.index }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select
        day,
        source_system,
        analytic,
        measure,
        group_name,
        unit,
        our_mart,
        our_figure,
        vendor_figure,
        our_figure - vendor_figure as difference,
        tolerance,
        coalesce(
            abs(our_figure - vendor_figure) <= tolerance,
            our_figure is null and vendor_figure is null
        ) as is_within_tolerance
    from unioned

)

select * from final
