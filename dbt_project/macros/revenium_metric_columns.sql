{#-
    The columns every Revenium AI-metric list shares (/ai, audio, images, video), renamed and cast the same
    way in each staging model; the modality's own fields follow them there.
-#}
{% macro revenium_metric_columns() -%}
        'revenium' as source_system,
        team_id,
        id as metric_id,
        transaction_id,
        metric_type,
        model,
        provider,
        model_source,
        operation_type,
        {{ dbt.cast('total_cost', type_usd()) }} as total_cost,
        request_time,
        response_time,
        request_duration,
        error_reason,
        trace_id,
        parent_transaction_id,
        trace_type,
        trace_name,
        task_type,
        agent,
        squad_id,
        agentic_job_id,
        environment,
        region,
        organization_id,
        organization_label,
        product_id,
        product_label,
        subscriber_id,
        subscriber_email,
        subscriber_credential_id,
        subscriber_credential_label
{%- endmacro %}
