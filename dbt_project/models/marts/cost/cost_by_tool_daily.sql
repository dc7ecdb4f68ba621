{{ config(materialized=served_view_materialization()) }}
{{ cost_by_dimension_view(ref('cost_by_dimension_daily'), 'tool') }}
