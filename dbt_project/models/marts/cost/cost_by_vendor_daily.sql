{{ config(materialized='view') }}
{{ cost_by_dimension_view('vendor') }}
