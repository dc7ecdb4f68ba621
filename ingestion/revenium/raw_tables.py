"""Revenium's raw tables (dataset ``raw_revenium``).

Declared once: the source projects every page through these (``ingestion.core.arrow_pages``), the Dagster
assets and checks are built from them, and ``dbt_project/models/staging/revenium/_revenium__sources.yml`` is
generated from them (``python -m ingestion.dbt_sources``).
"""

from __future__ import annotations

from dataclasses import replace

from ingestion.core.raw_table import (
    BOOKKEEPING_COLUMNS,
    BOOL,
    F64,
    I64,
    STR,
    TIMESTAMP,
    Column,
    RawTable,
    table_factory,
)
from ingestion.core.raw_table import column as _c
from ingestion.revenium.row_rules import RULES

NAME = "revenium"


_table = table_factory(NAME, RULES)


# Who and what a Revenium call is attributed to: the same fields on completions and on media metrics.
_ATTRIBUTION: tuple[Column, ...] = (
    _c("trace_id", "traceId", STR, "trace id"),
    _c("parent_transaction_id", "parentTransactionId", STR, "parent transaction id"),
    _c("trace_type", "traceType", STR, "trace type"),
    _c("trace_name", "traceName", STR, "trace name"),
    _c("task_type", "taskType", STR, "task type"),
    _c("agent", "agent", STR, "agent"),
    _c("squad_id", "squadId", STR, "squad id"),
    _c("agentic_job_id", "agenticJobId", STR, "agentic job id"),
    _c("environment", "environment", STR, "environment"),
    _c("region", "region", STR, "region"),
    _c("organization_id", "organization.id", STR, "organization id"),
    _c("organization_label", "organization.label", STR, "organization (customer) name"),
    _c("product_id", "product.id", STR, "product id"),
    _c("product_label", "product.label", STR, "product label"),
    _c("subscriber_id", "subscriber.id", STR, "subscriber id"),
    _c("subscriber_email", "subscriber.email", STR, "subscriber email"),
    _c("subscriber_credential_id", "subscriberCredential.id", STR, "subscriber credential id"),
    _c("subscriber_credential_label", "subscriberCredential.label", STR, "API key alias (never the key)"),
)


def _described(columns: tuple[Column, ...], **descriptions: str) -> tuple[Column, ...]:
    """``columns`` with the descriptions given by column name replaced."""
    return tuple(replace(c, description=descriptions.get(c.name, c.description)) for c in columns)


# The same attribution, as completions (the table analysts start from) describes it.
_COMPLETION_ATTRIBUTION = _described(
    _ATTRIBUTION,
    trace_id="distributed trace id the call belongs to",
    parent_transaction_id="transaction_id of the calling (parent) call in the trace",
    trace_type="trace type (workflow category)",
    trace_name="human-readable trace name",
    task_type="task type the call served",
    agent="agent that made the call",
    squad_id="squad (multi-agent group) id",
    agentic_job_id="agentic job id the call belongs to",
    environment="deployment environment (e.g. production)",
    region="region reported when metering",
    organization_id="organization (customer) id",
    product_label="product name",
    subscriber_id="subscriber (end user) id",
    subscriber_email="subscriber (end user) e-mail",
    subscriber_credential_id="id of the subscriber credential (API key) used",
)

REVENIUM_COMPLETIONS = _table(
    name="completions",
    primary_key=("team_id", "id"),
    event_time_column="request_time",
    incremental_refresh=True,
    description="Revenium AI completion metrics (GET /profitstream/v2/api/sources/metrics/ai/completions), one row per metered completion.",
    columns=(
        _c("team_id", None, STR, "Revenium team id the page was requested for (teamId query parameter)"),
        _c("id", "id", STR, "Revenium metric id (hashid)"),
        _c("transaction_id", "transactionId", STR, "transaction id sent when metering"),
        _c("metric_type", "metricType", STR, "modality: COMPLETION, AUDIO, IMAGE, VIDEO"),
        _c("model", "model", STR, "model name as Revenium reports it"),
        _c("provider", "provider", STR, "provider as Revenium reports it (upper case, e.g. OPENAI)"),
        _c("model_source", "modelSource", STR, "routing layer the call went through"),
        _c("operation_type", "operationType", STR, "operation type of the call (e.g. CHAT)"),
        _c("input_token_count", "inputTokenCount", I64, "input tokens, EXCLUDING cache read/creation tokens"),
        _c("output_token_count", "outputTokenCount", I64, "output tokens, including reasoning tokens"),
        _c("total_token_count", "totalTokenCount", I64, "input + output (cache tokens not added)"),
        _c(
            "cache_read_token_count",
            "cacheReadTokenCount",
            I64,
            "input tokens read from the provider's prompt cache",
        ),
        _c(
            "cache_creation_token_count",
            "cacheCreationTokenCount",
            I64,
            "input tokens written to the provider's prompt cache",
        ),
        _c(
            "reasoning_token_count",
            "reasoningTokenCount",
            I64,
            "reasoning tokens (already included in output_token_count)",
        ),
        _c("input_token_cost", "inputTokenCost", F64, "USD"),
        _c("output_token_cost", "outputTokenCost", F64, "USD"),
        _c("cache_read_token_cost", "cacheReadTokenCost", F64, "USD"),
        _c("cache_creation_token_cost", "cacheCreationTokenCost", F64, "USD"),
        _c("total_cost", "totalCost", F64, "USD, as Revenium reports it"),
        _c("time_to_first_token", "timeToFirstToken", I64, "ms"),
        _c("request_duration", "requestDuration", I64, "ms"),
        _c("tokens_per_minute", "tokensPerMinute", F64, "throughput Revenium computed for the call"),
        _c(
            "stop_reason",
            "stopReason",
            STR,
            "why the completion stopped (END, ERROR, ...); ERROR marks a failed call",
        ),
        _c("error_reason", "errorReason", STR, "error description when stop_reason is ERROR"),
        _c(
            "request_time",
            "requestTime",
            TIMESTAMP,
            "when the request was sent, UTC (event time: dates the row)",
        ),
        _c("response_time", "responseTime", TIMESTAMP, "when the response finished, UTC"),
        _c("completion_start_time", "completionStartTime", TIMESTAMP, "when the first token arrived, UTC"),
        _c("is_streamed", "isStreamed", BOOL, "whether the response was streamed"),
        *_COMPLETION_ATTRIBUTION,
        _c("subscription_id", "subscriptionId", STR, "subscription id"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_COST_BY_PROVIDER = _table(
    name="analytics_cost_by_provider",
    primary_key=("team_id", "_day", "group_name"),
    event_time_column=None,
    description="Revenium's own figure: GET /api/v2/analytics/cost-by-provider-aggregated for each UTC day, one row per provider.",
    event_time_doc="",
    columns=(
        _c(
            "team_id",
            None,
            STR,
            "team the analytics key belongs to (configured, not sent: the server resolves it)",
        ),
        _c("group_name", "groupName", STR, "provider"),
        _c(
            "cost_usd",
            "cost_usd",
            F64,
            "metricResult of the item's metric labelled cost (picked out by the source)",
        ),
    )
    + BOOKKEEPING_COLUMNS,
)

# -- Revenium agentic surfaces (traces, tool events, squads, jobs) ----------------------------------------
_TEAM = _c("team_id", None, STR, "Revenium team id the request was made for (teamId query parameter)")

REVENIUM_TRACES = _table(
    name="traces",
    primary_key=("team_id", "trace_id"),
    event_time_column="start_time",
    # a trace still running at a refresh is listed again while it started within the overlap
    incremental_refresh=True,
    description="Revenium AI traces (GET /profitstream/v2/api/sources/metrics/ai/traces), one row per trace aggregated by Revenium.",
    columns=(
        _TEAM,
        _c("trace_id", "traceId", STR, "trace id (32 hex)"),
        _c("trace_type", "traceType", STR, "workflow type"),
        _c("trace_name", "traceName", STR, "trace name"),
        _c("start_time", "startTime", TIMESTAMP, "first request of the trace"),
        _c("end_time", "endTime", TIMESTAMP, "last response of the trace"),
        _c("trace_duration_ms", "traceDuration", I64, "ms"),
        _c("transaction_count", "transactionCount", I64, "calls in the trace"),
        _c("error_count", "errorCount", I64, "failed calls in the trace"),
        _c("agent_count", "agentCount", I64, "distinct agents in the trace"),
        _c("root_agent", "rootAgent", STR, "root agent"),
        _c("input_token_count", "inputTokenCount", I64, "input token count"),
        _c("output_token_count", "outputTokenCount", I64, "output token count"),
        _c("total_token_count", "totalTokenCount", I64, "total token count"),
        _c("total_cost", "totalCost", F64, "USD, as Revenium reports it"),
        _c("squad_id", "squadId", STR, "squad execution the trace ran in"),
        _c("agentic_job_id", "agenticJobId", STR, "job the trace served"),
        _c("environment", "environment", STR, "environment"),
        _c("organization_id", "organization.id", STR, "organization id"),
        _c("organization_label", "organization.label", STR, "organization label"),
        _c("product_id", "product.id", STR, "product id"),
        _c("product_label", "product.label", STR, "product label"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_TOOL_EVENTS = _table(
    name="tool_events",
    primary_key=("team_id", "id"),
    event_time_column="event_time",
    incremental_refresh=True,
    description="Revenium tool events (GET /profitstream/v2/api/sources/metrics/tool/events), one row per tool invocation.",
    columns=(
        _TEAM,
        _c("id", "id", STR, "tool event id"),
        _c("tool_id", "toolId", STR, "tool identifier"),
        _c("tool_name", "toolName", STR, "tool name"),
        _c("tool_type", "toolType", STR, "tool type"),
        _c("tool_provider", "toolProvider", STR, "tool provider"),
        _c("operation", "operation", STR, "operation"),
        _c("transaction_id", "transactionId", STR, "the completion (transaction) that made the call"),
        _c("trace_id", "traceId", STR, "trace id"),
        _c("agent", "agent", STR, "agent"),
        _c("duration_ms", "durationMs", I64, "ms"),
        _c("success", "success", BOOL, "success"),
        _c("error_message", "errorMessage", STR, "error message"),
        _c("cost_usd", "costUsd", F64, "USD charged for the invocation"),
        _c("event_time", "timestamp", TIMESTAMP, "when the tool was called"),
        _c("organization_name", "organizationName", STR, "organization name"),
        _c("product_name", "productName", STR, "product name"),
        _c("subscriber_credential", "subscriberCredential", STR, "credential alias (a label, never the key)"),
        _c("workflow_id", "workflowId", STR, "workflow id"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_SQUAD_EXECUTIONS = _table(
    name="squad_executions",
    primary_key=("team_id", "id"),
    event_time_column="start_time",
    # an execution still running at a refresh is listed again while it started within the overlap
    incremental_refresh=True,
    description="Revenium squad executions (GET /profitstream/v2/api/squads with period, bare array), with transactionCount/errorCount from GET /squads/{squadId}; dated by startTime.",
    columns=(
        _TEAM,
        _c("id", "id", STR, "raw telemetry squad id (the squadId on completions and traces)"),
        _c("resource_type", "resourceType", STR, "resource type"),
        _c("label", "label", STR, "label"),
        _c("squad_name", "squadName", STR, "squad name"),
        _c("start_time", "startTime", TIMESTAMP, "start time"),
        _c("end_time", "endTime", TIMESTAMP, "end time"),
        _c("duration_ms", "duration", I64, "ms"),
        _c("agent_count", "agentCount", I64, "agent count"),
        _c("trace_count", "traceCount", I64, "trace count"),
        _c("total_cost", "totalCost", F64, "USD"),
        _c("status", "status", STR, "SUCCESS, PARTIAL or FAILED"),
        _c("transaction_count", "transactionCount", I64, "from the detail endpoint"),
        _c("error_count", "errorCount", I64, "from the detail endpoint"),
        _c(
            "requested_period",
            "requested_period",
            STR,
            "period the list was requested with (set by the source)",
        ),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_SQUAD_TIMELINE = _table(
    name="squad_timeline_events",
    primary_key=("team_id", "squad_id", "id"),
    event_time_column="start_time",
    # the timelines of the executions an increment lists (started since its start) are read whole and replace
    # those executions' events; an older execution's events stay
    incremental_refresh=True,
    increment_replaces_by="squad_id",
    description="Revenium squad timelines (GET /profitstream/v2/api/squads/{squadId}/timeline events), one row per call of a squad execution.",
    columns=(
        _TEAM,
        _c("squad_id", "squadId", STR, "the execution's squad id (from the timeline wrapper)"),
        _c("id", "id", STR, "transaction id of the call"),
        _c("trace_id", "traceId", STR, "trace id"),
        _c("agent", "agent", STR, "agent"),
        _c("role", "role", STR, "role"),
        _c("start_time", "startTime", TIMESTAMP, "start time"),
        _c("end_time", "endTime", TIMESTAMP, "end time"),
        _c("duration_ms", "duration", I64, "ms"),
        _c("model", "model", STR, "model"),
        _c("provider", "provider", STR, "provider"),
        _c("operation_type", "operationType", STR, "operation type"),
        _c("input_tokens", "inputTokens", I64, "input tokens"),
        _c("output_tokens", "outputTokens", I64, "output tokens"),
        _c("total_tokens", "totalTokens", I64, "total tokens"),
        _c("cost", "cost", F64, "USD"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_SQUAD_ENTITIES = _table(
    name="squad_entities",
    primary_key=("team_id", "_day", "id"),
    event_time_column=None,
    description="Revenium squad definitions (GET /profitstream/v2/api/squads/entities with period), a snapshot per run stored under each day of the run's window.",
    columns=(
        _TEAM,
        _c("id", "id", STR, "squad hashid (a different identity space from squad_id)"),
        _c("resource_type", "resourceType", STR, "resource type"),
        _c("label", "label", STR, "squad name"),
        _c("description", "description", STR, "description"),
        _c("source", "source", STR, "source"),
        _c("execution_count", "executionCount", I64, "executions in the requested period"),
        _c("total_cost", "totalCost", F64, "USD over the requested period"),
        _c("agent_count", "agentCount", I64, "agent count"),
        _c("trace_count", "traceCount", I64, "trace count"),
        _c("first_execution_time", "firstExecutionTime", TIMESTAMP, "first execution time"),
        _c("last_execution_time", "lastExecutionTime", TIMESTAMP, "last execution time"),
        _c("success_count", "successCount", I64, "success count"),
        _c("partial_count", "partialCount", I64, "partial count"),
        _c("failed_count", "failedCount", I64, "failed count"),
        _c(
            "requested_period",
            "requested_period",
            STR,
            "period the list was requested with (set by the source)",
        ),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOBS = _table(
    name="jobs",
    primary_key=("team_id", "agentic_job_id"),
    event_time_column="created_at",
    description="Revenium agentic jobs (GET /profitstream/v2/api/jobs), one row per job, dated by its creation.",
    columns=(
        _TEAM,
        _c("agentic_job_id", "agenticJobId", STR, "user-supplied job id (the agenticJobId on completions)"),
        _c("id", "id", STR, "Revenium job hashid"),
        _c("label", "label", STR, "label"),
        _c("created_at", "created", TIMESTAMP, "created at"),
        _c("updated_at", "updated", TIMESTAMP, "updated at"),
        _c("name", "name", STR, "name"),
        _c("job_type", "type", STR, "job type"),
        _c("version", "version", STR, "version"),
        _c("source", "source", STR, "source"),
        _c("execution_status", "executionStatus", STR, "SUCCESS, FAILED, CANCELLED"),
        _c("outcome_type", "outcomeType", STR, "CONVERTED, ESCALATED, DEFLECTED, UNSUCCESSFUL, CUSTOM"),
        _c("outcome_value", "outcomeValue", F64, "outcome value"),
        _c("outcome_currency", "outcomeCurrency", STR, "outcome currency"),
        _c("outcome_reported_at", "outcomeReportedAt", TIMESTAMP, "outcome reported at"),
        _c("outcome_metadata", "outcomeMetadata", STR, "JSON text"),
        _c("has_outcome", "hasOutcome", BOOL, "has outcome"),
        _c("outcome_amendment_count", "outcomeAmendmentCount", I64, "outcome amendment count"),
        _c("outcome_updated_at", "outcomeUpdatedAt", TIMESTAMP, "outcome updated at"),
        _c("outcome_updated_by", "outcomeUpdatedBy", STR, "outcome updated by"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_ROI = _table(
    name="job_roi",
    primary_key=("team_id", "agentic_job_id"),
    event_time_column=None,
    description="Revenium per-job ROI (GET /profitstream/v2/api/jobs/{id}/roi) for the jobs the source details; _day = the job's creation day.",
    columns=(
        _TEAM,
        _c("agentic_job_id", "agenticJobId", STR, "agentic job id"),
        _c("agentic_job_name", "agenticJobName", STR, "agentic job name"),
        _c("agentic_job_type", "agenticJobType", STR, "agentic job type"),
        _c("total_cost", "totalCost", F64, "USD"),
        _c("outcome_value", "outcomeValue", F64, "outcome value"),
        _c("outcome_currency", "outcomeCurrency", STR, "outcome currency"),
        _c("roi_pct", "roi", F64, "ROI as a percentage (19900 = 19,900%)"),
        _c("execution_status", "executionStatus", STR, "execution status"),
        _c("outcome_type", "outcomeType", STR, "outcome type"),
        _c("has_outcome", "hasOutcome", BOOL, "has outcome"),
        _c("transaction_count", "transactionCount", I64, "transaction count"),
        _c("input_tokens", "inputTokens", I64, "input tokens"),
        _c("output_tokens", "outputTokens", I64, "output tokens"),
        _c("total_tokens", "totalTokens", I64, "total tokens"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_TRANSACTIONS = _table(
    name="job_transactions",
    primary_key=("team_id", "agentic_job_id", "transaction_id"),
    event_time_column="event_time",
    description="Revenium job timelines (GET /profitstream/v2/api/jobs/{id}/transactions, {transactions, totalCount}) for the jobs the source details.",
    columns=(
        _TEAM,
        _c("agentic_job_id", "agentic_job_id", STR, "the job asked for (set by the source)"),
        _c("transaction_id", "transactionId", STR, "transaction id"),
        _c("event_time", "timestamp", TIMESTAMP, "event time"),
        _c("agent", "agent", STR, "agent"),
        _c("model", "model", STR, "model"),
        _c("provider", "provider", STR, "provider"),
        _c("duration_ms", "duration", I64, "ms"),
        _c("cost", "cost", F64, "USD"),
        _c("input_tokens", "inputTokens", I64, "input tokens"),
        _c("output_tokens", "outputTokens", I64, "output tokens"),
        _c("total_tokens", "totalTokens", I64, "total tokens"),
        _c("status", "status", STR, "as sent (may be lower case)"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_OUTCOME_HISTORY = _table(
    name="job_outcome_history",
    primary_key=("team_id", "agentic_job_id", "amendment_sequence"),
    event_time_column=None,
    description="Revenium job outcome history (GET /profitstream/v2/api/jobs/{id}/outcome/history, bare array) for the jobs the source details; _day = the job's creation day.",
    columns=(
        _TEAM,
        _c("agentic_job_id", "agentic_job_id", STR, "the job asked for (set by the source)"),
        _c("amendment_sequence", "amendmentSequence", I64, "0 = the first report"),
        _c("execution_status", "executionStatus", STR, "execution status"),
        _c("outcome_type", "outcomeType", STR, "outcome type"),
        _c("outcome_value", "outcomeValue", F64, "outcome value"),
        _c("outcome_currency", "outcomeCurrency", STR, "outcome currency"),
        _c("outcome_metadata", "outcomeMetadata", STR, "JSON text"),
        _c("reported_by", "reportedBy", STR, "reported by"),
        _c("reported_at", "reportedAt", TIMESTAMP, "reported at"),
        _c("reason", "reason", STR, "reason"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_TYPES = _table(
    name="job_types",
    primary_key=("team_id", "_day", "job_type"),
    event_time_column=None,
    description="Revenium job types (GET /profitstream/v2/api/jobs/types, bare array of strings), a snapshot per run stored under each day of the run's window.",
    columns=(_TEAM, _c("job_type", "job_type", STR, "a job type name")) + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_FUNNEL = _table(
    name="job_conversion_funnel",
    primary_key=("team_id", "_day"),
    event_time_column=None,
    description="Revenium's job conversion funnel (GET /profitstream/v2/api/jobs/conversion-funnel) for each UTC day.",
    columns=(
        _TEAM,
        _c("total_jobs", "totalJobs", I64, "total jobs"),
        _c("successful_jobs", "successfulJobs", I64, "successful jobs"),
        _c("converted_jobs", "convertedJobs", I64, "converted jobs"),
        _c("success_rate", "successRate", F64, "0-1"),
        _c("conversion_rate", "conversionRate", F64, "0-1"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_AGENTIC_TABLES: tuple[RawTable, ...] = (
    REVENIUM_TRACES,
    REVENIUM_TOOL_EVENTS,
    REVENIUM_SQUAD_EXECUTIONS,
    REVENIUM_SQUAD_TIMELINE,
    REVENIUM_SQUAD_ENTITIES,
    REVENIUM_JOBS,
    REVENIUM_JOB_ROI,
    REVENIUM_JOB_TRANSACTIONS,
    REVENIUM_JOB_OUTCOME_HISTORY,
    REVENIUM_JOB_TYPES,
    REVENIUM_JOB_FUNNEL,
)

# -- Revenium media metrics (audio, images, video) and the all-modality /ai list -----------------------------
_MEDIA_COMMON: tuple[Column, ...] = (
    _TEAM,
    _c("id", "id", STR, "Revenium metric id (hashid)"),
    _c("transaction_id", "transactionId", STR, "transaction id"),
    _c("metric_type", "metricType", STR, "modality: COMPLETION, AUDIO, IMAGE, VIDEO"),
    _c("model", "model", STR, "model"),
    _c("provider", "provider", STR, "provider as Revenium reports it (upper case)"),
    _c("model_source", "modelSource", STR, "model source"),
    _c("operation_type", "operationType", STR, "operation type"),
    _c("total_cost", "totalCost", F64, "USD, as Revenium reports it"),
    _c("request_time", "requestTime", TIMESTAMP, "request time"),
    _c("response_time", "responseTime", TIMESTAMP, "response time"),
    _c("request_duration", "requestDuration", I64, "ms"),
    _c("error_reason", "errorReason", STR, "error reason"),
    *_ATTRIBUTION,
)


def _media_table(name: str, path: str, what: str, extra: tuple[Column, ...]) -> RawTable:
    return _table(
        name=name,
        primary_key=("team_id", "id"),
        event_time_column="request_time",
        incremental_refresh=True,
        description=f"Revenium {what} metrics (GET /profitstream/v2/api/sources/metrics/ai/{path}), one row per metered call.",
        columns=_MEDIA_COMMON
        + (_c("billing_unit", "billingUnit", STR, "what the call is billed by"),)
        + extra
        + BOOKKEEPING_COLUMNS,
    )


REVENIUM_AUDIO = _media_table(
    "audio_metrics",
    "audio",
    "audio",
    (
        _c("duration_seconds", "durationSeconds", F64, "audio length, seconds (transcription)"),
        _c("character_count", "characterCount", I64, "characters spoken (speech synthesis)"),
        _c("language", "language", STR, "language"),
        _c("voice", "voice", STR, "voice"),
        _c("audio_format", "audioFormat", STR, "audio format"),
    ),
)
REVENIUM_IMAGES = _media_table(
    "image_metrics",
    "images",
    "image",
    (
        _c("requested_image_count", "requestedImageCount", I64, "requested image count"),
        _c("actual_image_count", "actualImageCount", I64, "images delivered"),
        _c("resolution", "resolution", STR, "resolution"),
        _c("quality", "quality", STR, "quality"),
    ),
)
REVENIUM_VIDEO = _media_table(
    "video_metrics",
    "video",
    "video",
    (
        _c("duration_seconds", "durationSeconds", F64, "video delivered, seconds"),
        _c("requested_duration_seconds", "requestedDurationSeconds", F64, "requested duration seconds"),
        _c("credits_consumed", "creditsConsumed", F64, "credits consumed"),
        _c("credit_rate", "creditRate", F64, "USD per credit"),
        _c("fps", "fps", I64, "fps"),
        _c("resolution", "resolution", STR, "resolution"),
        _c("completion_status", "completionStatus", STR, "SUCCESS, PARTIAL_TIMEOUT, FAILED"),
    ),
)
REVENIUM_AI_METRICS = _table(
    name="ai_metrics",
    primary_key=("team_id", "id"),
    event_time_column="request_time",
    incremental_refresh=True,
    description="Revenium AI metrics of every modality, common fields only (GET /profitstream/v2/api/sources/metrics/ai with metricType), one row per metered call of the modalities the source asks for.",
    columns=_MEDIA_COMMON + BOOKKEEPING_COLUMNS,
)

REVENIUM_MEDIA_TABLES: tuple[RawTable, ...] = (
    REVENIUM_AI_METRICS,
    REVENIUM_AUDIO,
    REVENIUM_IMAGES,
    REVENIUM_VIDEO,
)

# -- Revenium analytics host: the vendor's own figures, for reconciliation --------------------------------
_ANALYTICS_TEAM = _c(
    "team_id",
    None,
    STR,
    "team(s) the analytics key belongs to (configured, not sent: the server resolves it)",
)

REVENIUM_ANALYTICS_AGGREGATED = _table(
    name="analytics_aggregated",
    primary_key=("team_id", "_day", "endpoint", "group_name", "metric_label"),
    event_time_column=None,
    description="Revenium's own aggregated figures (family B: GET /api/v2/analytics/<endpoint> - cost-by-*-aggregated, cost-by-vendor, revenue-per-*, profit-margin-per-*, tool and task figures, response and agent times, top-movers) for each UTC day, one row per (endpoint, group, metric); an endpoint asked with parameters is named with its query, e.g. top-movers?groupBy=model.",
    columns=(
        _ANALYTICS_TEAM,
        _c(
            "endpoint",
            "endpoint",
            STR,
            "analytics endpoint name, e.g. revenue-per-customer (set by the source)",
        ),
        _c("group_name", "groupName", STR, "the group the figure is for (customer, product, tool, ...)"),
        _c("metric_label", "label", STR, "metric label, e.g. cost, revenue, margin, successRate, callCount"),
        _c(
            "metric_result",
            "metricResult",
            F64,
            "the figure (numeric metricResults only; others are skipped)",
        ),
        _c("metric_type", "metricType", STR, "MONEY, PERCENTAGE, COUNT"),
        _c(
            "current_value",
            "currentValue",
            F64,
            "top-movers: the figure for the requested period (NULL elsewhere or when not a number)",
        ),
        _c(
            "previous_value",
            "previousValue",
            F64,
            "top-movers: the figure for the previous period of equal length (NULL elsewhere or when not a number)",
        ),
        _c("trend", "trend", STR, "top-movers: UP or DOWN"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_ANALYTICS_TRACE_COSTS = _table(
    name="analytics_trace_cost_distribution",
    primary_key=("team_id", "transaction_id"),
    event_time_column="trace_start",
    description="Revenium's trace cost scatter (family C: GET /api/v2/analytics/trace-cost-distribution, dataPoints), one row per trace, dated by its start.",
    columns=(
        _ANALYTICS_TEAM,
        _c("transaction_id", "transactionId", STR, "the trace's root transaction"),
        _c("trace_id", "traceId", STR, "trace id"),
        _c("agent_name", "agentName", STR, "agent name"),
        _c("total_cost", "totalCost", F64, "USD, calls and tool calls of the trace"),
        _c("total_calls", "totalCalls", I64, "total calls"),
        _c("distinct_tools", "distinctTools", I64, "distinct tools"),
        _c("trace_start", "traceStart", TIMESTAMP, "trace start"),
        _c("trace_end", "traceEnd", TIMESTAMP, "trace end"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_ANALYTICS_JOBS_ROI = _table(
    name="analytics_jobs_roi_summary",
    primary_key=("team_id", "_day", "job_type"),
    event_time_column=None,
    description="Revenium's jobs ROI summary (GET /api/v2/analytics/jobs/roi-summary, byJobType) for each UTC day, one row per job type.",
    columns=(
        _ANALYTICS_TEAM,
        _c("job_type", "jobType", STR, "job type"),
        _c("total_jobs", "totalJobs", I64, "total jobs"),
        _c("total_cost", "totalCost", F64, "USD"),
        _c("token_cost", "tokenCost", F64, "USD"),
        _c("modality_cost", "modalityCost", F64, "USD"),
        _c("external_tool_cost", "externalToolCost", F64, "USD"),
        _c("human_cost", "humanCost", F64, "USD"),
        _c("conversions", "conversions", I64, "conversions"),
        _c("deflections", "deflections", I64, "deflections"),
        _c("total_value", "totalValue", F64, "outcome value, USD"),
        _c("average_value", "averageValue", F64, "average value"),
        _c("cost_per_conversion", "costPerConversion", F64, "cost per conversion"),
        _c("cost_per_outcome", "costPerOutcome", F64, "cost per outcome"),
        _c("roi", "roi", F64, "as the vendor reports it (a ratio in the simulator)"),
        _c("success_rate", "successRate", F64, "0-1"),
        _c("tool_cost_attribution", "toolCostAttribution", STR, "tool cost attribution"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_ANALYTICS_TIMESERIES = _table(
    name="analytics_timeseries",
    primary_key=("team_id", "endpoint", "bucket_start", "group_name", "metric_label"),
    event_time_column="bucket_start",
    description="Revenium's own time series (family A: GET /api/v2/analytics/cost-by-<dimension>, tokens-per-minute, token-vs-tool-cost, task-completion) per UTC day, one row per (endpoint, bucket, group, metric); a day's window gives hourly buckets; an endpoint asked with parameters is named with its query, e.g. tokens-per-minute?tokenType=TOTAL.",
    columns=(
        _ANALYTICS_TEAM,
        _c("endpoint", "endpoint", STR, "analytics endpoint name, e.g. cost-by-provider (set by the source)"),
        _c("bucket_start", "startTimestamp", TIMESTAMP, "bucket start (UTC)"),
        _c("bucket_end", "endTimestamp", TIMESTAMP, "bucket end (UTC, exclusive)"),
        _c("group_name", "groupName", STR, "group name"),
        _c("metric_label", "label", STR, "metric label"),
        _c("metric_result", "metricResult", F64, "the figure (numeric metricResults only)"),
        _c("metric_type", "metricType", STR, "metric type"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_ANALYTICS_TABLES: tuple[RawTable, ...] = (
    REVENIUM_ANALYTICS_AGGREGATED,
    REVENIUM_ANALYTICS_TRACE_COSTS,
    REVENIUM_ANALYTICS_JOBS_ROI,
    REVENIUM_ANALYTICS_TIMESERIES,
)

# Every Revenium raw table, in the order the dbt sources YAML lists them.
RAW_TABLES: tuple[RawTable, ...] = (
    REVENIUM_COMPLETIONS,
    REVENIUM_COST_BY_PROVIDER,
    *REVENIUM_AGENTIC_TABLES,
    *REVENIUM_MEDIA_TABLES,
    *REVENIUM_ANALYTICS_TABLES,
)
