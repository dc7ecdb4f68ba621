{#-
    One row per AI call, from Revenium (completions of every modality), Helicone (requests) and orq.ai
    (LLM spans).
    Incremental by partition window: the rows whose day lies in [var min_date, var max_date) are
    rebuilt and replace that window exactly (macros/get_incremental_replace_window_sql.sql).
    The columns, in order (docs/marts.md plus the vendor cost split): the per-source intermediate models
    (int_revenium__calls, int_helicone__calls, int_orq__calls) produce exactly these; this model selects them
    from each and unions.
-#}
{%- set columns = [
    'call_id', 'source_system', 'vendor_call_id', 'team_id', 'modality',
    'started_at', 'ended_at', 'day',
    'provider_name', 'request_model', 'agent_name', 'operation_name', 'task_type',
    'trace_id', 'parent_call_id', 'trace_type', 'trace_name', 'squad_id', 'job_id',
    'organization_name', 'product_name', 'subscriber_email', 'api_key_alias', 'environment',
    'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens',
    'cost_usd', 'cost_source', 'input_cost_usd', 'output_cost_usd', 'cache_read_cost_usd', 'cache_write_cost_usd',
    'duration_ms', 'time_to_first_token_ms', 'is_error', 'error_reason', 'stop_reason',
] | join(',\n        ') -%}

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
