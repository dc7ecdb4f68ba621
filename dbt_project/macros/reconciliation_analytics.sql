{#-
    The one declarative list behind source_reconciliation_daily: each vendor analytic and measure we
    reconcile, the vendor's figure (a staging model of the vendor's own analytics) and ours (a mart), as
    {relation, filter, group, value} on each side. One line per analytic; the helpers below build the lines.

    * Figures are summed per (day, group) on each side (an hourly time series adds up to its day; a daily
      row is its own sum), groups compared case-insensitively, NULL / empty groups as '(not set)'.
    * unit: usd | percent | ratio | count; the tolerance per unit is var reconciliation_tolerance.
    * requires_dimension: a cost-by-<dimension> line is active only while cost_dimensions() has that
      dimension, so a dimension added to cost_by_dimension_daily (macros/cost_dimensions.sql) brings its
      vendor analytics into the reconciliation by itself; every line of the vendor's cost-by-* family is
      already listed here.
-#}

{#- Revenium family B (analytics_aggregated): one metric of an endpoint, per group. -#}
{% macro _revenium_aggregated(endpoint, label) -%}
    {{ return({
        'relation': 'stg_revenium__analytics_aggregated',
        'filter': "endpoint = '" ~ endpoint ~ "' and metric_label = '" ~ label ~ "'",
        'group': 'group_name',
        'value': 'metric_result',
    }) }}
{%- endmacro %}

{#- Revenium family A (analytics_timeseries): one metric of an endpoint, its hourly buckets summed per day. -#}
{% macro _revenium_timeseries(endpoint, label='cost') -%}
    {{ return({
        'relation': 'stg_revenium__analytics_timeseries',
        'filter': "endpoint = '" ~ endpoint ~ "' and metric_label = '" ~ label ~ "'",
        'group': 'group_name',
        'value': 'metric_result',
    }) }}
{%- endmacro %}

{#- Ours: cost_by_dimension_daily for a dimension and source, per value (or the source's daily total). -#}
{% macro _cost_by_dimension(dimension_name, source_system='revenium', total=false) -%}
    {{ return({
        'relation': 'cost_by_dimension_daily',
        'filter': "dimension_name = '" ~ dimension_name ~ "' and source_system = '" ~ source_system ~ "'",
        'group': "'(total)'" if total else 'dimension_value',
        'value': 'cost_usd',
    }) }}
{%- endmacro %}

{#- A plain {relation, filter, group, value} side. -#}
{% macro _figure(relation, value, group="'(total)'", filter='1 = 1') -%}
    {{ return({'relation': relation, 'filter': filter, 'group': group, 'value': value}) }}
{%- endmacro %}

{% macro _line(analytic, measure, unit, vendor, ours, source_system='revenium', requires_dimension=none) -%}
    {{ return({
        'analytic': analytic, 'measure': measure, 'unit': unit, 'source_system': source_system,
        'vendor': vendor, 'ours': ours, 'requires_dimension': requires_dimension,
    }) }}
{%- endmacro %}


{% macro reconciliation_analytics() %}
    {%- set roi = 'stg_revenium__analytics_jobs_roi_summary' -%}
    {%- set funnel = 'stg_revenium__job_conversion_funnel' -%}
    {%- set lines = [
        _line('cost-by-provider-aggregated', 'cost', 'usd', _figure('stg_revenium__cost_by_provider', 'cost_usd', 'provider_name'), _cost_by_dimension('provider'), requires_dimension='provider'),
        _line('cost-by-provider-aggregated', 'total cost', 'usd', _figure('stg_revenium__cost_by_provider', 'cost_usd'), _cost_by_dimension('provider', total=true), requires_dimension='provider'),
        _line('cost-by-vendor', 'cost', 'usd', _revenium_aggregated('cost-by-vendor', 'cost'), _cost_by_dimension('provider'), requires_dimension='provider'),
        _line('cost-by-model-aggregated', 'cost', 'usd', _revenium_aggregated('cost-by-model-aggregated', 'cost'), _cost_by_dimension('model'), requires_dimension='model'),
        _line('cost-by-agent-aggregated', 'cost', 'usd', _revenium_aggregated('cost-by-agent-aggregated', 'cost'), _cost_by_dimension('agent'), requires_dimension='agent'),
        _line('cost-by-organization-aggregated', 'cost', 'usd', _revenium_aggregated('cost-by-organization-aggregated', 'cost'), _cost_by_dimension('organization'), requires_dimension='organization'),
        _line('cost-by-product-aggregated', 'cost', 'usd', _revenium_aggregated('cost-by-product-aggregated', 'cost'), _cost_by_dimension('product'), requires_dimension='product'),
        _line('cost-by-api-key-aggregated', 'cost', 'usd', _revenium_aggregated('cost-by-api-key-aggregated', 'cost'), _cost_by_dimension('api_key'), requires_dimension='api_key'),
        _line('cost-by-user-aggregated', 'cost', 'usd', _revenium_aggregated('cost-by-user-aggregated', 'cost'), _cost_by_dimension('user'), requires_dimension='user'),
        _line('cost-by-task-aggregated', 'cost', 'usd', _revenium_aggregated('cost-by-task-aggregated', 'cost'), _cost_by_dimension('task_type'), requires_dimension='task_type'),
        _line('cost-by-tool-aggregated', 'cost', 'usd', _revenium_aggregated('cost-by-tool-aggregated', 'cost'), _cost_by_dimension('tool'), requires_dimension='tool'),
        _line('cost-by-tool-provider-aggregated', 'cost', 'usd', _revenium_aggregated('cost-by-tool-provider-aggregated', 'cost'), _cost_by_dimension('tool_provider'), requires_dimension='tool_provider'),
        _line('cost-by-provider', 'cost', 'usd', _revenium_timeseries('cost-by-provider'), _cost_by_dimension('provider'), requires_dimension='provider'),
        _line('cost-by-model', 'cost', 'usd', _revenium_timeseries('cost-by-model'), _cost_by_dimension('model'), requires_dimension='model'),
        _line('cost-by-agent', 'cost', 'usd', _revenium_timeseries('cost-by-agent'), _cost_by_dimension('agent'), requires_dimension='agent'),
        _line('cost-by-organization', 'cost', 'usd', _revenium_timeseries('cost-by-organization'), _cost_by_dimension('organization'), requires_dimension='organization'),
        _line('cost-by-product', 'cost', 'usd', _revenium_timeseries('cost-by-product'), _cost_by_dimension('product'), requires_dimension='product'),
        _line('cost-by-api-key', 'cost', 'usd', _revenium_timeseries('cost-by-api-key'), _cost_by_dimension('api_key'), requires_dimension='api_key'),
        _line('cost-by-task', 'cost', 'usd', _revenium_timeseries('cost-by-task'), _cost_by_dimension('task_type'), requires_dimension='task_type'),
        _line('cost-by-team', 'cost', 'usd', _revenium_timeseries('cost-by-team'), _cost_by_dimension('team'), requires_dimension='team'),
        _line('cost-by-tool', 'cost', 'usd', _revenium_timeseries('cost-by-tool'), _cost_by_dimension('tool'), requires_dimension='tool'),
        _line('cost-by-tool-provider', 'cost', 'usd', _revenium_timeseries('cost-by-tool-provider'), _cost_by_dimension('tool_provider'), requires_dimension='tool_provider'),
        _line('revenue-per-customer', 'revenue', 'usd', _revenium_aggregated('revenue-per-customer', 'revenue'), _figure('revenue_margin_by_customer_daily', 'revenue_usd', 'organization_name')),
        _line('revenue-per-product', 'revenue', 'usd', _revenium_aggregated('revenue-per-product', 'revenue'), _figure('revenue_margin_by_product_daily', 'revenue_usd', 'product_name')),
        _line('profit-margin-per-customer', 'cost', 'usd', _revenium_aggregated('profit-margin-per-customer', 'cost'), _figure('revenue_margin_by_customer_daily', 'cost_usd', 'organization_name')),
        _line('profit-margin-per-customer', 'margin', 'percent', _revenium_aggregated('profit-margin-per-customer', 'margin'), _figure('revenue_margin_by_customer_daily', 'margin_pct', 'organization_name')),
        _line('profit-margin-per-product', 'cost', 'usd', _revenium_aggregated('profit-margin-per-product', 'cost'), _figure('revenue_margin_by_product_daily', 'cost_usd', 'product_name')),
        _line('profit-margin-per-product', 'margin', 'percent', _revenium_aggregated('profit-margin-per-product', 'margin'), _figure('revenue_margin_by_product_daily', 'margin_pct', 'product_name')),
        _line('jobs/roi-summary', 'totalJobs', 'count', _figure(roi, 'total_jobs', 'job_type'), _figure('job_type_roi_daily', 'total_jobs', 'job_type')),
        _line('jobs/roi-summary', 'tokenCost', 'usd', _figure(roi, 'token_cost', 'job_type'), _figure('job_type_roi_daily', 'token_cost_usd', 'job_type')),
        _line('jobs/roi-summary', 'modalityCost', 'usd', _figure(roi, 'modality_cost', 'job_type'), _figure('job_type_roi_daily', 'modality_cost_usd', 'job_type')),
        _line('jobs/roi-summary', 'externalToolCost', 'usd', _figure(roi, 'external_tool_cost', 'job_type'), _figure('job_type_roi_daily', 'tool_cost_usd', 'job_type')),
        _line('jobs/roi-summary', 'totalCost', 'usd', _figure(roi, 'total_cost', 'job_type'), _figure('job_type_roi_daily', 'total_cost_usd', 'job_type')),
        _line('jobs/roi-summary', 'totalValue', 'usd', _figure(roi, 'total_value', 'job_type'), _figure('job_type_roi_daily', 'total_value_usd', 'job_type')),
        _line('jobs/roi-summary', 'conversions', 'count', _figure(roi, 'conversions', 'job_type'), _figure('job_type_roi_daily', 'conversions', 'job_type')),
        _line('jobs/roi-summary', 'deflections', 'count', _figure(roi, 'deflections', 'job_type'), _figure('job_type_roi_daily', 'deflections', 'job_type')),
        _line('jobs/roi-summary', 'roi', 'ratio', _figure(roi, 'roi', 'job_type'), _figure('job_type_roi_daily', 'roi', 'job_type')),
        _line('jobs/roi-summary', 'successRate', 'ratio', _figure(roi, 'success_rate', 'job_type'), _figure('job_type_roi_daily', 'success_rate', 'job_type')),
        _line('jobs/conversion-funnel', 'totalJobs', 'count', _figure(funnel, 'total_jobs'), _figure('job_conversion_funnel_daily', 'total_jobs')),
        _line('jobs/conversion-funnel', 'successfulJobs', 'count', _figure(funnel, 'successful_jobs'), _figure('job_conversion_funnel_daily', 'successful_jobs')),
        _line('jobs/conversion-funnel', 'convertedJobs', 'count', _figure(funnel, 'converted_jobs'), _figure('job_conversion_funnel_daily', 'converted_jobs')),
        _line('metrics/totalCost', 'total cost', 'usd', _figure('stg_helicone__total_cost', 'cost_usd'), _cost_by_dimension('provider', 'helicone', total=true), source_system='helicone', requires_dimension='provider'),
        _line('reporting genai.cost totals', 'total cost', 'usd', _figure('stg_orq__cost_totals', 'cost_usd'), _cost_by_dimension('provider', 'orq', total=true), source_system='orq', requires_dimension='provider'),
    ] -%}
    {%- set dimensions = cost_dimensions() -%}
    {%- set active = [] -%}
    {%- for line in lines if line['requires_dimension'] is none or line['requires_dimension'] in dimensions -%}
        {%- do active.append(line) -%}
    {%- endfor -%}
    {{ return(active) }}
{% endmacro %}
