{#-
    Helicone requests in the shape of fct_ai_calls, with parent_call_id resolved from the session path:
    a request's parent is the request of the same session (trace_id) whose Helicone-Session-Path equals
    this request's path without its last segment ('/a/b/c' -> '/a/b'); when several requests share that
    path, the earliest. This works whether path segments are step names or request ids. A partition run
    looks for parents from var trace_span_days before its window (in_trace_span_window), so a
    parent on an earlier day is still found when only a later day is rebuilt, and the lookup does not grow
    with the history; a full build looks everywhere.
-#}
{%- set text = dbt.type_string() -%}

with

calls as {{ cte_inlined() }} (

    select * from {{ ref('stg_helicone__requests') }}

),

path_owners as (

    select
        trace_id,
        trace_path,
        call_id,
        row_number() over (
            partition by trace_id, trace_path
            order by started_at, call_id
        ) as owner_rank
    from calls
    where trace_id is not null
        and trace_path is not null
        and {{ in_trace_span_window('day') }}

),

linked as (

    select
        calls.call_id,
        calls.source_system,
        calls.vendor_call_id,
        {{ dbt.cast('null', text) }} as team_id,
        {{ dbt.cast('null', text) }} as modality,
        calls.started_at,
        calls.ended_at,
        calls.day,
        calls.provider_name,
        calls.request_model,
        calls.agent_name,
        {{ dbt.cast('null', text) }} as operation_name,
        calls.task_type,
        calls.trace_id,
        parents.call_id as parent_call_id,
        {{ dbt.cast('null', text) }} as trace_type,
        calls.trace_name,
        {{ dbt.cast('null', text) }} as squad_id,
        {{ dbt.cast('null', text) }} as job_id,
        calls.organization_name,
        calls.product_name,
        {{ dbt.cast('null', text) }} as subscriber_email,
        {{ dbt.cast('null', text) }} as api_key_alias,
        calls.environment,
        calls.input_tokens,
        calls.output_tokens,
        calls.cache_read_tokens,
        calls.cache_write_tokens,
        calls.reasoning_tokens,
        calls.total_tokens,
        calls.cost_usd,
        calls.cost_source,
        {{ dbt.cast('null', type_usd()) }} as input_cost_usd,
        {{ dbt.cast('null', type_usd()) }} as output_cost_usd,
        {{ dbt.cast('null', type_usd()) }} as cache_read_cost_usd,
        {{ dbt.cast('null', type_usd()) }} as cache_write_cost_usd,
        calls.duration_ms,
        calls.time_to_first_token_ms,
        calls.is_error,
        {{ dbt.cast('null', text) }} as error_reason,
        {{ dbt.cast('null', text) }} as stop_reason

    from calls
    left join path_owners as parents
        on parents.trace_id = calls.trace_id
        and parents.trace_path = calls.parent_trace_path
        and parents.owner_rank = 1
        and parents.call_id <> calls.call_id

)

select * from linked
