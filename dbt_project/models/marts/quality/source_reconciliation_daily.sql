{#-
    Our figures against each vendor's own analytics, per UTC day, source system, analytic, measure and group:
    one block per line of the list below, the single place that maps an analytic to its vendor figure (a
    staging model of the vendor's own analytics) and our mart, each side a {relation, filter, group, value}
    (builders: macros/reconciliation_lines.sql).
    * Figures are summed per (day, group) on each side (an hourly time series adds up to its day; a daily row
      is its own sum), groups compared case-insensitively, NULL / empty groups as '(not set)'.
    * unit: usd | percent | ratio | count; the tolerance per unit is var reconciliation_tolerance.
    * requires_dimension: a cost-by-<dimension> line is active only while cost_dimensions() has that
      dimension, so a dimension added to cost_by_dimension_daily (macros/cost_dimensions.sql) brings its
      vendor analytics into the reconciliation by itself; every line of the vendor's cost-by-* family is
      already listed here.
    A (day, analytic, measure) is reconciled when the vendor reported that analytic for the day: a group only
    one side has is a mismatch (its other figure NULL). Incremental by partition window (day).
    Vendor isolation: in a partial run (var missing_source_systems) the lines of a missing source system are
    not compared (its raw data and marts are not this run's): each of its (day, analytic, measure) gets one
    row, group '(vendor missing)', no figures, status 'vendor_missing'. So the model writes the missing
    source systems' rows itself (meta writes_missing_source_systems), and a later full run replaces them.
    Vendor subset: a line of a source system outside var source_systems (a vendor AIECON_VENDORS does not
    enable) is not compared at all: it has no rows, not even 'vendor_missing' ones.
-#}
{{ config(meta={'writes_missing_source_systems': true}) }}
{%- set tolerance = var('reconciliation_tolerance') -%}
{%- set double = type_double() -%}
{#- Figures are summed as exact decimals, then made DOUBLE: a sum of doubles depends on the order a parallel
    engine adds them, and a re-run must reproduce the table byte for byte. -#}
{%- set exact = 'numeric(38, 9)' -%}
{#- The vendors' figures -#}
{%- set aggregated = ref('stg_revenium__analytics_aggregated') -%}
{%- set timeseries = ref('stg_revenium__analytics_timeseries') -%}
{%- set cost_by_provider = ref('stg_revenium__cost_by_provider') -%}
{%- set roi = ref('stg_revenium__analytics_jobs_roi_summary') -%}
{%- set funnel = ref('stg_revenium__job_conversion_funnel') -%}
{%- set helicone_total_cost = ref('stg_helicone__total_cost') -%}
{%- set orq_cost_totals = ref('stg_orq__cost_totals') -%}
{#- Ours -#}
{%- set cost_by_dimension = ref('cost_by_dimension_daily') -%}
{%- set margin_by_customer = ref('revenue_margin_by_customer_daily') -%}
{%- set margin_by_product = ref('revenue_margin_by_product_daily') -%}
{%- set job_type_roi = ref('job_type_roi_daily') -%}
{%- set funnel_daily = ref('job_conversion_funnel_daily') -%}
{%- set all_lines = [
    reconciliation_line('cost-by-provider-aggregated', 'cost', 'usd', reconciliation_figure(cost_by_provider, 'cost_usd', 'provider_name'), cost_by_dimension_figure(cost_by_dimension, 'provider'), requires_dimension='provider'),
    reconciliation_line('cost-by-provider-aggregated', 'total cost', 'usd', reconciliation_figure(cost_by_provider, 'cost_usd'), cost_by_dimension_figure(cost_by_dimension, 'provider', total=true), requires_dimension='provider'),
    reconciliation_line('cost-by-vendor', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-vendor', 'cost'), cost_by_dimension_figure(cost_by_dimension, 'provider'), requires_dimension='provider'),
    reconciliation_line('cost-by-model-aggregated', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-model-aggregated', 'cost'), cost_by_dimension_figure(cost_by_dimension, 'model'), requires_dimension='model'),
    reconciliation_line('cost-by-agent-aggregated', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-agent-aggregated', 'cost'), cost_by_dimension_figure(cost_by_dimension, 'agent'), requires_dimension='agent'),
    reconciliation_line('cost-by-organization-aggregated', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-organization-aggregated', 'cost'), cost_by_dimension_figure(cost_by_dimension, 'organization'), requires_dimension='organization'),
    reconciliation_line('cost-by-product-aggregated', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-product-aggregated', 'cost'), cost_by_dimension_figure(cost_by_dimension, 'product'), requires_dimension='product'),
    reconciliation_line('cost-by-api-key-aggregated', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-api-key-aggregated', 'cost'), cost_by_dimension_figure(cost_by_dimension, 'api_key'), requires_dimension='api_key'),
    reconciliation_line('cost-by-user-aggregated', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-user-aggregated', 'cost', group=subscriber_email_for_analysts('group_name')), cost_by_dimension_figure(cost_by_dimension, 'user'), requires_dimension='user'),
    reconciliation_line('cost-by-task-aggregated', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-task-aggregated', 'cost'), cost_by_dimension_figure(cost_by_dimension, 'task_type'), requires_dimension='task_type'),
    reconciliation_line('cost-by-tool-aggregated', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-tool-aggregated', 'cost'), cost_by_dimension_figure(cost_by_dimension, 'tool'), requires_dimension='tool'),
    reconciliation_line('cost-by-tool-provider-aggregated', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'cost-by-tool-provider-aggregated', 'cost'), cost_by_dimension_figure(cost_by_dimension, 'tool_provider'), requires_dimension='tool_provider'),
    reconciliation_line('cost-by-provider', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-provider'), cost_by_dimension_figure(cost_by_dimension, 'provider'), requires_dimension='provider'),
    reconciliation_line('cost-by-model', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-model'), cost_by_dimension_figure(cost_by_dimension, 'model'), requires_dimension='model'),
    reconciliation_line('cost-by-agent', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-agent'), cost_by_dimension_figure(cost_by_dimension, 'agent'), requires_dimension='agent'),
    reconciliation_line('cost-by-organization', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-organization'), cost_by_dimension_figure(cost_by_dimension, 'organization'), requires_dimension='organization'),
    reconciliation_line('cost-by-product', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-product'), cost_by_dimension_figure(cost_by_dimension, 'product'), requires_dimension='product'),
    reconciliation_line('cost-by-api-key', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-api-key'), cost_by_dimension_figure(cost_by_dimension, 'api_key'), requires_dimension='api_key'),
    reconciliation_line('cost-by-task', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-task'), cost_by_dimension_figure(cost_by_dimension, 'task_type'), requires_dimension='task_type'),
    reconciliation_line('cost-by-team', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-team'), cost_by_dimension_figure(cost_by_dimension, 'team'), requires_dimension='team'),
    reconciliation_line('cost-by-tool', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-tool'), cost_by_dimension_figure(cost_by_dimension, 'tool'), requires_dimension='tool'),
    reconciliation_line('cost-by-tool-provider', 'cost', 'usd', revenium_timeseries_figure(timeseries, 'cost-by-tool-provider'), cost_by_dimension_figure(cost_by_dimension, 'tool_provider'), requires_dimension='tool_provider'),
    reconciliation_line('revenue-per-customer', 'revenue', 'usd', revenium_aggregated_figure(aggregated, 'revenue-per-customer', 'revenue'), reconciliation_figure(margin_by_customer, 'revenue_usd', 'organization_name')),
    reconciliation_line('revenue-per-product', 'revenue', 'usd', revenium_aggregated_figure(aggregated, 'revenue-per-product', 'revenue'), reconciliation_figure(margin_by_product, 'revenue_usd', 'product_name')),
    reconciliation_line('profit-margin-per-customer', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'profit-margin-per-customer', 'cost'), reconciliation_figure(margin_by_customer, 'cost_usd', 'organization_name')),
    reconciliation_line('profit-margin-per-customer', 'margin', 'percent', revenium_aggregated_figure(aggregated, 'profit-margin-per-customer', 'margin'), reconciliation_figure(margin_by_customer, 'margin_pct', 'organization_name')),
    reconciliation_line('profit-margin-per-product', 'cost', 'usd', revenium_aggregated_figure(aggregated, 'profit-margin-per-product', 'cost'), reconciliation_figure(margin_by_product, 'cost_usd', 'product_name')),
    reconciliation_line('profit-margin-per-product', 'margin', 'percent', revenium_aggregated_figure(aggregated, 'profit-margin-per-product', 'margin'), reconciliation_figure(margin_by_product, 'margin_pct', 'product_name')),
    reconciliation_line('jobs/roi-summary', 'totalJobs', 'count', reconciliation_figure(roi, 'total_jobs', 'job_type'), reconciliation_figure(job_type_roi, 'total_jobs', 'job_type')),
    reconciliation_line('jobs/roi-summary', 'tokenCost', 'usd', reconciliation_figure(roi, 'token_cost', 'job_type'), reconciliation_figure(job_type_roi, 'token_cost_usd', 'job_type')),
    reconciliation_line('jobs/roi-summary', 'modalityCost', 'usd', reconciliation_figure(roi, 'modality_cost', 'job_type'), reconciliation_figure(job_type_roi, 'modality_cost_usd', 'job_type')),
    reconciliation_line('jobs/roi-summary', 'externalToolCost', 'usd', reconciliation_figure(roi, 'external_tool_cost', 'job_type'), reconciliation_figure(job_type_roi, 'tool_cost_usd', 'job_type')),
    reconciliation_line('jobs/roi-summary', 'totalCost', 'usd', reconciliation_figure(roi, 'total_cost', 'job_type'), reconciliation_figure(job_type_roi, 'total_cost_usd', 'job_type')),
    reconciliation_line('jobs/roi-summary', 'totalValue', 'usd', reconciliation_figure(roi, 'total_value', 'job_type'), reconciliation_figure(job_type_roi, 'total_value_usd', 'job_type')),
    reconciliation_line('jobs/roi-summary', 'conversions', 'count', reconciliation_figure(roi, 'conversions', 'job_type'), reconciliation_figure(job_type_roi, 'conversions', 'job_type')),
    reconciliation_line('jobs/roi-summary', 'deflections', 'count', reconciliation_figure(roi, 'deflections', 'job_type'), reconciliation_figure(job_type_roi, 'deflections', 'job_type')),
    reconciliation_line('jobs/roi-summary', 'roi', 'ratio', reconciliation_figure(roi, 'roi', 'job_type'), reconciliation_figure(job_type_roi, 'roi', 'job_type')),
    reconciliation_line('jobs/roi-summary', 'successRate', 'ratio', reconciliation_figure(roi, 'success_rate', 'job_type'), reconciliation_figure(job_type_roi, 'success_rate', 'job_type')),
    reconciliation_line('jobs/conversion-funnel', 'totalJobs', 'count', reconciliation_figure(funnel, 'total_jobs'), reconciliation_figure(funnel_daily, 'total_jobs')),
    reconciliation_line('jobs/conversion-funnel', 'successfulJobs', 'count', reconciliation_figure(funnel, 'successful_jobs'), reconciliation_figure(funnel_daily, 'successful_jobs')),
    reconciliation_line('jobs/conversion-funnel', 'convertedJobs', 'count', reconciliation_figure(funnel, 'converted_jobs'), reconciliation_figure(funnel_daily, 'converted_jobs')),
    reconciliation_line('metrics/totalCost', 'total cost', 'usd', reconciliation_figure(helicone_total_cost, 'cost_usd'), cost_by_dimension_figure(cost_by_dimension, 'provider', 'helicone', total=true), source_system='helicone', requires_dimension='provider'),
    reconciliation_line('reporting genai.cost totals', 'total cost', 'usd', reconciliation_figure(orq_cost_totals, 'cost_usd'), cost_by_dimension_figure(cost_by_dimension, 'provider', 'orq', total=true), source_system='orq', requires_dimension='provider'),
] -%}
{%- set dimensions = cost_dimensions() -%}
{%- set missing = missing_source_systems() -%}
{%- set enabled = source_systems() -%}
{%- set lines = [] -%}
{%- set missing_lines = [] -%}
{%- for line in all_lines if (line['requires_dimension'] is none or line['requires_dimension'] in dimensions)
    and (enabled is none or line['source_system'] in enabled + missing) -%}
    {%- do (missing_lines if line['source_system'] in missing else lines).append(line) -%}
{%- endfor -%}

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
    from {{ v['relation'] }}
    where {{ in_partition_window('day') }}
        and {{ v['filter'] }}
    group by day, lower({{ dimension_value_or_not_set(v['group']) }})

),

{{ key }}_ours as (

    select
        day,
        lower({{ dimension_value_or_not_set(o['group']) }}) as group_name,
        {{ dbt.cast('sum(' ~ dbt.cast(o['value'], exact) ~ ')', double) }} as figure
    from {{ o['relation'] }}
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
        '{{ o['relation'].identifier }}' as our_mart,
        {{ key }}_ours.figure as our_figure,
        {{ key }}_vendor.figure as vendor_figure,
        {{ dbt.cast(tolerance[line['unit']], double) }} as tolerance
    from {{ key }}_ours
    full outer join {{ key }}_vendor
        on {{ key }}_vendor.day = {{ key }}_ours.day
        and {{ key }}_vendor.group_name = {{ key }}_ours.group_name

),

{% endfor %}
{%- if missing_lines %}
window_days as (

    {{ partition_window_days_sql(cost_by_dimension) }}

),

vendor_missing as (

    {% for line in missing_lines -%}
    select
        window_days.day,
        '{{ line['source_system'] }}' as source_system,
        '{{ line['analytic'] }}' as analytic,
        '{{ line['measure'] }}' as measure,
        '(vendor missing)' as group_name,
        '{{ line['unit'] }}' as unit,
        '{{ line['ours']['relation'].identifier }}' as our_mart,
        {{ dbt.cast('null', double) }} as our_figure,
        {{ dbt.cast('null', double) }} as vendor_figure,
        {{ dbt.cast(tolerance[line['unit']], double) }} as tolerance
    from window_days
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

{% endif -%}
unioned as (

    {% for line in lines -%}
    select * from line_{{ loop.index }}
    {{ 'union all' if not loop.last or missing_lines }}
    {% endfor %}
    {%- if missing_lines %}
    select * from vendor_missing
    {%- endif %}

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
        case
            when group_name = '(vendor missing)' then {{ dbt.cast('null', dbt.type_boolean()) }}
            else coalesce(
                abs(our_figure - vendor_figure) <= tolerance,
                our_figure is null and vendor_figure is null
            )
        end as is_within_tolerance,
        case
            when group_name = '(vendor missing)' then 'vendor_missing'
            when abs(our_figure - vendor_figure) <= tolerance then 'agrees'
            when our_figure is null and vendor_figure is null then 'agrees'
            else 'differs'
        end as status
    from unioned

)

select * from final
