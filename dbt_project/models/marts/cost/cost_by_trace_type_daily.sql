{{ config(materialized='view') }}
{{ cost_by_dimension_view(ref('cost_by_dimension_daily'), 'trace_type') }}
