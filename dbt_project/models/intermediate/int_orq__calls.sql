{#-
    orq.ai LLM spans in the shape of fct_ai_calls (the column list in fct_ai_calls.sql). Which span types are calls is set
    by var orq_llm_span_types (default ['llm']). The trace (TraceSummary) gives the trace name, the
    organization (identity) and the product; the agent is the span's name (orq names an LLM span after the
    agent that made it) and falls back to the trace's agent. parent_call_id is the parent span's call_id
    when that span is landed (any type). A partition run reads the spans and traces of the traces that started
    from var trace_span_days before its window (in_trace_span_window on trace_day, the raw partition), so the
    read does not grow with the history; a full build reads everything.
-#}
{%- set text = dbt.type_string() -%}
{%- set llm_types = var('orq_llm_span_types', ['llm']) -%}

with

spans as {{ cte_inlined() }} (

    select * from {{ ref('stg_orq__spans') }}
    where {{ in_trace_span_window('trace_day') }}

),

traces as (

    select * from {{ ref('stg_orq__traces') }}
    where {{ in_trace_span_window('day') }}

),

calls as (

    select * from spans
    where span_type in ({% for t in llm_types %}'{{ t }}'{{ ', ' if not loop.last }}{% endfor %})

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
        coalesce(calls.span_name, traces.agent_name) as agent_name,
        calls.operation_name,
        {{ dbt.cast('null', text) }} as task_type,
        calls.trace_id,
        parents.call_id as parent_call_id,
        {{ dbt.cast('null', text) }} as trace_type,
        traces.trace_name,
        {{ dbt.cast('null', text) }} as squad_id,
        {{ dbt.cast('null', text) }} as job_id,
        traces.organization_name,
        traces.product_name,
        {{ dbt.cast('null', text) }} as subscriber_email,
        {{ dbt.cast('null', text) }} as api_key_alias,
        {{ dbt.cast('null', text) }} as environment,
        calls.input_tokens,
        calls.output_tokens,
        calls.cache_read_tokens,
        calls.cache_write_tokens,
        calls.reasoning_tokens,
        calls.total_tokens,
        calls.cost_usd,
        calls.cost_source,
        calls.input_cost_usd,
        calls.output_cost_usd,
        calls.cache_read_cost_usd,
        calls.cache_write_cost_usd,
        calls.duration_ms,
        {{ dbt.cast('null', dbt.type_bigint()) }} as time_to_first_token_ms,
        calls.is_error,
        {{ dbt.cast('null', text) }} as error_reason,
        {{ dbt.cast('null', text) }} as stop_reason

    from calls
    left join traces
        on traces.trace_id = calls.trace_id
    left join spans as parents
        on parents.trace_id = calls.trace_id
        and parents.span_id = calls.parent_span_id

)

select * from linked
