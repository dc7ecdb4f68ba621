{#-
    The columns of fct_ai_calls, in order (docs/marts.md plus the vendor cost split). The per-source
    intermediate models (int_revenium__calls, int_helicone__calls) produce exactly these columns;
    fct_ai_calls selects them from each and unions.
-#}
{% macro ai_call_columns() %}
    {{ return([
        'call_id', 'source_system', 'vendor_call_id', 'team_id', 'modality',
        'started_at', 'ended_at', 'day',
        'provider_name', 'request_model', 'agent_name', 'operation_name', 'task_type',
        'trace_id', 'parent_call_id', 'trace_type', 'trace_name', 'squad_id', 'job_id',
        'organization_name', 'product_name', 'subscriber_email', 'api_key_alias', 'environment',
        'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens',
        'cost_usd', 'cost_source', 'input_cost_usd', 'output_cost_usd', 'cache_read_cost_usd', 'cache_write_cost_usd',
        'duration_ms', 'time_to_first_token_ms', 'is_error', 'error_reason', 'stop_reason',
    ]) }}
{% endmacro %}
