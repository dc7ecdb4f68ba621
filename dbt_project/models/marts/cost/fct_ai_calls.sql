{{
    config(
        materialized='incremental',
        incremental_strategy='replace_window',
        on_schema_change='fail',
    )
}}
{#-
    One row per AI call, from Revenium (completions of every modality), Helicone (requests) and orq.ai
    (LLM spans).
    Incremental by partition window: the rows whose day lies in [var min_date, var max_date) are
    rebuilt and replace that window exactly (macros/get_incremental_replace_window_sql.sql).
-#}
{%- set columns = ai_call_columns() | join(',\n        ') -%}

with

revenium as (

    select
        {{ columns }}
    from {{ ref('int_revenium__calls') }}
    where {{ in_partition_window('day') }}

),

helicone as (

    select
        {{ columns }}
    from {{ ref('int_helicone__calls') }}
    where {{ in_partition_window('day') }}

),

orq as (

    select
        {{ columns }}
    from {{ ref('int_orq__calls') }}
    where {{ in_partition_window('day') }}

),

unioned as (

    select * from revenium
    union all
    select * from helicone
    union all
    select * from orq

)

select * from unioned
