"""The raw tables each source lands, declared once.

A raw table is a list of columns; each column names where its value sits in the vendor's JSON record
(a dotted path) and the Arrow type it is landed as. Sources project every page through these declarations
(see ``ingestion.arrow_pages``), so:

* the raw schema is stable and typed whatever the vendor sends (a missing field lands as NULL);
* fields we do not declare are kept, as JSON text, in ``_extra_fields`` — except those on the deny list
  (prompt and response text, credential values), which are never landed;
* dbt staging reads these names; ``dbt_project/models/staging/*/_sources.yml`` describes the same columns.

Every raw table also carries the bookkeeping columns of ``BOOKKEEPING_COLUMNS``: the UTC day the row belongs
to (the merge key that lets a partition run replace its days), the window that was requested, and dlt's
load id.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Column:
    name: str
    # Dotted path into the record the source hands over: the vendor's own record, or for figures that
    # sit deeper in a response (a metric inside a list, a bucket's metric map) the flat record the source
    # builds from it. None = a constant the source supplies (e.g. the team id a page was asked for).
    path: str | None
    type: pa.DataType = pa.string()
    description: str = ""


@dataclass(frozen=True)
class RawTable:
    """One raw table: its dlt resource name, key, the record field that dates a row, and its columns."""

    name: str
    primary_key: tuple[str, ...]
    event_time_column: str | None
    columns: tuple[Column, ...]
    description: str

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def declared_paths(self) -> set[str]:
        """Top-level vendor fields covered by a declared column (not kept again in ``_extra_fields``)."""
        return {c.path.split(".")[0] for c in self.columns if c.path}


def _c(name: str, path: str | None, type_: pa.DataType | None = None, description: str = "") -> Column:
    return Column(name, path, type_ or pa.string(), description)


I64, F64, BOOL, STR, DATE = pa.int64(), pa.float64(), pa.bool_(), pa.string(), pa.date32()

# Columns every raw table ends with; filled by ingestion.arrow_pages, not by the vendor.
BOOKKEEPING_COLUMNS: tuple[Column, ...] = (
    _c("_day", None, DATE, "UTC day of the row's event time; the partition the row belongs to"),
    _c("_window_start", None, TIMESTAMP, "start of the window this load requested (inclusive, UTC)"),
    _c("_window_end", None, TIMESTAMP, "end of the window this load requested (exclusive, UTC)"),
    _c("_extra_fields", None, STR, "JSON object of vendor fields this table does not declare (schema drift)"),
)

# Fields never landed, at any depth: prompt/response text and credential values (docs/conventions.md, Secrets).
DENIED_FIELDS: frozenset[str] = frozenset(
    {
        "systemPrompt",
        "inputMessages",
        "outputResponse",
        "prompts",
        "promptData",
        "request_body",
        "response_body",
        "llmSchema",
        "signed_body_url",
        "asset_urls",
        "apiKey",
        "api_key",
        "credentialValue",
        "secret",
        "password",
        "token",
        "value",
    }
)

# Who and what a Revenium call is attributed to: the same fields on completions and on media metrics.
_ATTRIBUTION: tuple[Column, ...] = (
    _c("trace_id", "traceId", STR),
    _c("parent_transaction_id", "parentTransactionId", STR),
    _c("trace_type", "traceType", STR),
    _c("trace_name", "traceName", STR),
    _c("task_type", "taskType", STR),
    _c("agent", "agent", STR),
    _c("squad_id", "squadId", STR),
    _c("agentic_job_id", "agenticJobId", STR),
    _c("environment", "environment", STR),
    _c("region", "region", STR),
    _c("organization_id", "organization.id", STR),
    _c("organization_label", "organization.label", STR, "organization (customer) name"),
    _c("product_id", "product.id", STR),
    _c("product_label", "product.label", STR),
    _c("subscriber_id", "subscriber.id", STR),
    _c("subscriber_email", "subscriber.email", STR),
    _c("subscriber_credential_id", "subscriberCredential.id", STR),
    _c("subscriber_credential_label", "subscriberCredential.label", STR, "API key alias (never the key)"),
)

REVENIUM_COMPLETIONS = RawTable(
    name="completions",
    primary_key=("team_id", "id"),
    event_time_column="request_time",
    description="Revenium AI completion metrics (GET /profitstream/v2/api/sources/metrics/ai/completions), one row per metered completion.",
    columns=(
        _c("team_id", None, STR, "Revenium team id the page was requested for (teamId query parameter)"),
        _c("id", "id", STR, "Revenium metric id (hashid)"),
        _c("transaction_id", "transactionId", STR, "transaction id sent when metering"),
        _c("metric_type", "metricType", STR, "modality: COMPLETION, AUDIO, IMAGE, VIDEO"),
        _c("model", "model", STR),
        _c("provider", "provider", STR, "provider as Revenium reports it (upper case, e.g. OPENAI)"),
        _c("model_source", "modelSource", STR, "routing layer the call went through"),
        _c("operation_type", "operationType", STR),
        _c("input_token_count", "inputTokenCount", I64, "input tokens, EXCLUDING cache read/creation tokens"),
        _c("output_token_count", "outputTokenCount", I64, "output tokens, including reasoning tokens"),
        _c("total_token_count", "totalTokenCount", I64, "input + output (cache tokens not added)"),
        _c("cache_read_token_count", "cacheReadTokenCount", I64),
        _c("cache_creation_token_count", "cacheCreationTokenCount", I64),
        _c("reasoning_token_count", "reasoningTokenCount", I64),
        _c("input_token_cost", "inputTokenCost", F64, "USD"),
        _c("output_token_cost", "outputTokenCost", F64, "USD"),
        _c("cache_read_token_cost", "cacheReadTokenCost", F64, "USD"),
        _c("cache_creation_token_cost", "cacheCreationTokenCost", F64, "USD"),
        _c("total_cost", "totalCost", F64, "USD, as Revenium reports it"),
        _c("time_to_first_token", "timeToFirstToken", I64, "ms"),
        _c("request_duration", "requestDuration", I64, "ms"),
        _c("tokens_per_minute", "tokensPerMinute", F64),
        _c("stop_reason", "stopReason", STR),
        _c("error_reason", "errorReason", STR),
        _c("request_time", "requestTime", TIMESTAMP),
        _c("response_time", "responseTime", TIMESTAMP),
        _c("completion_start_time", "completionStartTime", TIMESTAMP),
        _c("is_streamed", "isStreamed", BOOL),
        *_ATTRIBUTION,
        _c("subscription_id", "subscriptionId", STR),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_COST_BY_PROVIDER = RawTable(
    name="analytics_cost_by_provider",
    primary_key=("team_id", "_day", "group_name"),
    event_time_column=None,
    description="Revenium's own figure: GET /api/v2/analytics/cost-by-provider-aggregated for each UTC day, one row per provider.",
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

REVENIUM_TRACES = RawTable(
    name="traces",
    primary_key=("team_id", "trace_id"),
    event_time_column="start_time",
    description="Revenium AI traces (GET /profitstream/v2/api/sources/metrics/ai/traces), one row per trace aggregated by Revenium.",
    columns=(
        _TEAM,
        _c("trace_id", "traceId", STR, "trace id (32 hex)"),
        _c("trace_type", "traceType", STR, "workflow type"),
        _c("trace_name", "traceName", STR),
        _c("start_time", "startTime", TIMESTAMP, "first request of the trace"),
        _c("end_time", "endTime", TIMESTAMP, "last response of the trace"),
        _c("trace_duration_ms", "traceDuration", I64, "ms"),
        _c("transaction_count", "transactionCount", I64, "calls in the trace"),
        _c("error_count", "errorCount", I64, "failed calls in the trace"),
        _c("agent_count", "agentCount", I64, "distinct agents in the trace"),
        _c("root_agent", "rootAgent", STR),
        _c("input_token_count", "inputTokenCount", I64),
        _c("output_token_count", "outputTokenCount", I64),
        _c("total_token_count", "totalTokenCount", I64),
        _c("total_cost", "totalCost", F64, "USD, as Revenium reports it"),
        _c("squad_id", "squadId", STR, "squad execution the trace ran in"),
        _c("agentic_job_id", "agenticJobId", STR, "job the trace served"),
        _c("environment", "environment", STR),
        _c("organization_id", "organization.id", STR),
        _c("organization_label", "organization.label", STR),
        _c("product_id", "product.id", STR),
        _c("product_label", "product.label", STR),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_TOOL_EVENTS = RawTable(
    name="tool_events",
    primary_key=("team_id", "id"),
    event_time_column="event_time",
    description="Revenium tool events (GET /profitstream/v2/api/sources/metrics/tool/events), one row per tool invocation.",
    columns=(
        _TEAM,
        _c("id", "id", STR, "tool event id"),
        _c("tool_id", "toolId", STR, "tool identifier"),
        _c("tool_name", "toolName", STR),
        _c("tool_type", "toolType", STR),
        _c("tool_provider", "toolProvider", STR),
        _c("operation", "operation", STR),
        _c("transaction_id", "transactionId", STR, "the completion (transaction) that made the call"),
        _c("trace_id", "traceId", STR),
        _c("agent", "agent", STR),
        _c("duration_ms", "durationMs", I64, "ms"),
        _c("success", "success", BOOL),
        _c("error_message", "errorMessage", STR),
        _c("cost_usd", "costUsd", F64, "USD charged for the invocation"),
        _c("event_time", "timestamp", TIMESTAMP, "when the tool was called"),
        _c("organization_name", "organizationName", STR),
        _c("product_name", "productName", STR),
        _c("subscriber_credential", "subscriberCredential", STR, "credential alias (a label, never the key)"),
        _c("workflow_id", "workflowId", STR),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_SQUAD_EXECUTIONS = RawTable(
    name="squad_executions",
    primary_key=("team_id", "id"),
    event_time_column="start_time",
    description="Revenium squad executions (GET /profitstream/v2/api/squads with period, bare array), with transactionCount/errorCount from GET /squads/{squadId}; dated by startTime.",
    columns=(
        _TEAM,
        _c("id", "id", STR, "raw telemetry squad id (the squadId on completions and traces)"),
        _c("resource_type", "resourceType", STR),
        _c("label", "label", STR),
        _c("squad_name", "squadName", STR),
        _c("start_time", "startTime", TIMESTAMP),
        _c("end_time", "endTime", TIMESTAMP),
        _c("duration_ms", "duration", I64, "ms"),
        _c("agent_count", "agentCount", I64),
        _c("trace_count", "traceCount", I64),
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

REVENIUM_SQUAD_TIMELINE = RawTable(
    name="squad_timeline_events",
    primary_key=("team_id", "squad_id", "id"),
    event_time_column="start_time",
    description="Revenium squad timelines (GET /profitstream/v2/api/squads/{squadId}/timeline events), one row per call of a squad execution.",
    columns=(
        _TEAM,
        _c("squad_id", "squadId", STR, "the execution's squad id (from the timeline wrapper)"),
        _c("id", "id", STR, "transaction id of the call"),
        _c("trace_id", "traceId", STR),
        _c("agent", "agent", STR),
        _c("role", "role", STR),
        _c("start_time", "startTime", TIMESTAMP),
        _c("end_time", "endTime", TIMESTAMP),
        _c("duration_ms", "duration", I64, "ms"),
        _c("model", "model", STR),
        _c("provider", "provider", STR),
        _c("operation_type", "operationType", STR),
        _c("input_tokens", "inputTokens", I64),
        _c("output_tokens", "outputTokens", I64),
        _c("total_tokens", "totalTokens", I64),
        _c("cost", "cost", F64, "USD"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_SQUAD_ENTITIES = RawTable(
    name="squad_entities",
    primary_key=("team_id", "_day", "id"),
    event_time_column=None,
    description="Revenium squad definitions (GET /profitstream/v2/api/squads/entities with period), a snapshot per run stored under each day of the run's window.",
    columns=(
        _TEAM,
        _c("id", "id", STR, "squad hashid (a different identity space from squad_id)"),
        _c("resource_type", "resourceType", STR),
        _c("label", "label", STR, "squad name"),
        _c("description", "description", STR),
        _c("source", "source", STR),
        _c("execution_count", "executionCount", I64, "executions in the requested period"),
        _c("total_cost", "totalCost", F64, "USD over the requested period"),
        _c("agent_count", "agentCount", I64),
        _c("trace_count", "traceCount", I64),
        _c("first_execution_time", "firstExecutionTime", TIMESTAMP),
        _c("last_execution_time", "lastExecutionTime", TIMESTAMP),
        _c("success_count", "successCount", I64),
        _c("partial_count", "partialCount", I64),
        _c("failed_count", "failedCount", I64),
        _c(
            "requested_period",
            "requested_period",
            STR,
            "period the list was requested with (set by the source)",
        ),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOBS = RawTable(
    name="jobs",
    primary_key=("team_id", "agentic_job_id"),
    event_time_column="created_at",
    description="Revenium agentic jobs (GET /profitstream/v2/api/jobs), one row per job, dated by its creation.",
    columns=(
        _TEAM,
        _c("agentic_job_id", "agenticJobId", STR, "user-supplied job id (the agenticJobId on completions)"),
        _c("id", "id", STR, "Revenium job hashid"),
        _c("label", "label", STR),
        _c("created_at", "created", TIMESTAMP),
        _c("updated_at", "updated", TIMESTAMP),
        _c("name", "name", STR),
        _c("job_type", "type", STR),
        _c("version", "version", STR),
        _c("source", "source", STR),
        _c("execution_status", "executionStatus", STR, "SUCCESS, FAILED, CANCELLED"),
        _c("outcome_type", "outcomeType", STR, "CONVERTED, ESCALATED, DEFLECTED, UNSUCCESSFUL, CUSTOM"),
        _c("outcome_value", "outcomeValue", F64),
        _c("outcome_currency", "outcomeCurrency", STR),
        _c("outcome_reported_at", "outcomeReportedAt", TIMESTAMP),
        _c("outcome_metadata", "outcomeMetadata", STR, "JSON text"),
        _c("has_outcome", "hasOutcome", BOOL),
        _c("outcome_amendment_count", "outcomeAmendmentCount", I64),
        _c("outcome_updated_at", "outcomeUpdatedAt", TIMESTAMP),
        _c("outcome_updated_by", "outcomeUpdatedBy", STR),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_ROI = RawTable(
    name="job_roi",
    primary_key=("team_id", "agentic_job_id"),
    event_time_column=None,
    description="Revenium per-job ROI (GET /profitstream/v2/api/jobs/{id}/roi) for the jobs the source details; _day = the job's creation day.",
    columns=(
        _TEAM,
        _c("agentic_job_id", "agenticJobId", STR),
        _c("agentic_job_name", "agenticJobName", STR),
        _c("agentic_job_type", "agenticJobType", STR),
        _c("total_cost", "totalCost", F64, "USD"),
        _c("outcome_value", "outcomeValue", F64),
        _c("outcome_currency", "outcomeCurrency", STR),
        _c("roi_pct", "roi", F64, "ROI as a percentage (19900 = 19,900%)"),
        _c("execution_status", "executionStatus", STR),
        _c("outcome_type", "outcomeType", STR),
        _c("has_outcome", "hasOutcome", BOOL),
        _c("transaction_count", "transactionCount", I64),
        _c("input_tokens", "inputTokens", I64),
        _c("output_tokens", "outputTokens", I64),
        _c("total_tokens", "totalTokens", I64),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_TRANSACTIONS = RawTable(
    name="job_transactions",
    primary_key=("team_id", "agentic_job_id", "transaction_id"),
    event_time_column="event_time",
    description="Revenium job timelines (GET /profitstream/v2/api/jobs/{id}/transactions, {transactions, totalCount}) for the jobs the source details.",
    columns=(
        _TEAM,
        _c("agentic_job_id", "agentic_job_id", STR, "the job asked for (set by the source)"),
        _c("transaction_id", "transactionId", STR),
        _c("event_time", "timestamp", TIMESTAMP),
        _c("agent", "agent", STR),
        _c("model", "model", STR),
        _c("provider", "provider", STR),
        _c("duration_ms", "duration", I64, "ms"),
        _c("cost", "cost", F64, "USD"),
        _c("input_tokens", "inputTokens", I64),
        _c("output_tokens", "outputTokens", I64),
        _c("total_tokens", "totalTokens", I64),
        _c("status", "status", STR, "as sent (may be lower case)"),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_OUTCOME_HISTORY = RawTable(
    name="job_outcome_history",
    primary_key=("team_id", "agentic_job_id", "amendment_sequence"),
    event_time_column=None,
    description="Revenium job outcome history (GET /profitstream/v2/api/jobs/{id}/outcome/history, bare array) for the jobs the source details; _day = the job's creation day.",
    columns=(
        _TEAM,
        _c("agentic_job_id", "agentic_job_id", STR, "the job asked for (set by the source)"),
        _c("amendment_sequence", "amendmentSequence", I64, "0 = the first report"),
        _c("execution_status", "executionStatus", STR),
        _c("outcome_type", "outcomeType", STR),
        _c("outcome_value", "outcomeValue", F64),
        _c("outcome_currency", "outcomeCurrency", STR),
        _c("outcome_metadata", "outcomeMetadata", STR, "JSON text"),
        _c("reported_by", "reportedBy", STR),
        _c("reported_at", "reportedAt", TIMESTAMP),
        _c("reason", "reason", STR),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_TYPES = RawTable(
    name="job_types",
    primary_key=("team_id", "_day", "job_type"),
    event_time_column=None,
    description="Revenium job types (GET /profitstream/v2/api/jobs/types, bare array of strings), a snapshot per run stored under each day of the run's window.",
    columns=(_TEAM, _c("job_type", "job_type", STR, "a job type name")) + BOOKKEEPING_COLUMNS,
)

REVENIUM_JOB_FUNNEL = RawTable(
    name="job_conversion_funnel",
    primary_key=("team_id", "_day"),
    event_time_column=None,
    description="Revenium's job conversion funnel (GET /profitstream/v2/api/jobs/conversion-funnel) for each UTC day.",
    columns=(
        _TEAM,
        _c("total_jobs", "totalJobs", I64),
        _c("successful_jobs", "successfulJobs", I64),
        _c("converted_jobs", "convertedJobs", I64),
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
    _c("transaction_id", "transactionId", STR),
    _c("metric_type", "metricType", STR, "modality: COMPLETION, AUDIO, IMAGE, VIDEO"),
    _c("model", "model", STR),
    _c("provider", "provider", STR, "provider as Revenium reports it (upper case)"),
    _c("model_source", "modelSource", STR),
    _c("operation_type", "operationType", STR),
    _c("total_cost", "totalCost", F64, "USD, as Revenium reports it"),
    _c("request_time", "requestTime", TIMESTAMP),
    _c("response_time", "responseTime", TIMESTAMP),
    _c("request_duration", "requestDuration", I64, "ms"),
    _c("error_reason", "errorReason", STR),
    *_ATTRIBUTION,
)


def _media_table(name: str, path: str, what: str, extra: tuple[Column, ...]) -> RawTable:
    return RawTable(
        name=name,
        primary_key=("team_id", "id"),
        event_time_column="request_time",
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
        _c("language", "language", STR),
        _c("voice", "voice", STR),
        _c("audio_format", "audioFormat", STR),
    ),
)
REVENIUM_IMAGES = _media_table(
    "image_metrics",
    "images",
    "image",
    (
        _c("requested_image_count", "requestedImageCount", I64),
        _c("actual_image_count", "actualImageCount", I64, "images delivered"),
        _c("resolution", "resolution", STR),
        _c("quality", "quality", STR),
    ),
)
REVENIUM_VIDEO = _media_table(
    "video_metrics",
    "video",
    "video",
    (
        _c("duration_seconds", "durationSeconds", F64, "video delivered, seconds"),
        _c("requested_duration_seconds", "requestedDurationSeconds", F64),
        _c("credits_consumed", "creditsConsumed", F64),
        _c("credit_rate", "creditRate", F64, "USD per credit"),
        _c("fps", "fps", I64),
        _c("resolution", "resolution", STR),
        _c("completion_status", "completionStatus", STR, "SUCCESS, PARTIAL_TIMEOUT, FAILED"),
    ),
)
REVENIUM_AI_METRICS = RawTable(
    name="ai_metrics",
    primary_key=("team_id", "id"),
    event_time_column="request_time",
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

REVENIUM_ANALYTICS_AGGREGATED = RawTable(
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

REVENIUM_ANALYTICS_TRACE_COSTS = RawTable(
    name="analytics_trace_cost_distribution",
    primary_key=("team_id", "transaction_id"),
    event_time_column="trace_start",
    description="Revenium's trace cost scatter (family C: GET /api/v2/analytics/trace-cost-distribution, dataPoints), one row per trace, dated by its start.",
    columns=(
        _ANALYTICS_TEAM,
        _c("transaction_id", "transactionId", STR, "the trace's root transaction"),
        _c("trace_id", "traceId", STR),
        _c("agent_name", "agentName", STR),
        _c("total_cost", "totalCost", F64, "USD, calls and tool calls of the trace"),
        _c("total_calls", "totalCalls", I64),
        _c("distinct_tools", "distinctTools", I64),
        _c("trace_start", "traceStart", TIMESTAMP),
        _c("trace_end", "traceEnd", TIMESTAMP),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_ANALYTICS_JOBS_ROI = RawTable(
    name="analytics_jobs_roi_summary",
    primary_key=("team_id", "_day", "job_type"),
    event_time_column=None,
    description="Revenium's jobs ROI summary (GET /api/v2/analytics/jobs/roi-summary, byJobType) for each UTC day, one row per job type.",
    columns=(
        _ANALYTICS_TEAM,
        _c("job_type", "jobType", STR),
        _c("total_jobs", "totalJobs", I64),
        _c("total_cost", "totalCost", F64, "USD"),
        _c("token_cost", "tokenCost", F64, "USD"),
        _c("modality_cost", "modalityCost", F64, "USD"),
        _c("external_tool_cost", "externalToolCost", F64, "USD"),
        _c("human_cost", "humanCost", F64, "USD"),
        _c("conversions", "conversions", I64),
        _c("deflections", "deflections", I64),
        _c("total_value", "totalValue", F64, "outcome value, USD"),
        _c("average_value", "averageValue", F64),
        _c("cost_per_conversion", "costPerConversion", F64),
        _c("cost_per_outcome", "costPerOutcome", F64),
        _c("roi", "roi", F64, "as the vendor reports it (a ratio in the simulator)"),
        _c("success_rate", "successRate", F64, "0-1"),
        _c("tool_cost_attribution", "toolCostAttribution", STR),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_ANALYTICS_TIMESERIES = RawTable(
    name="analytics_timeseries",
    primary_key=("team_id", "endpoint", "bucket_start", "group_name", "metric_label"),
    event_time_column="bucket_start",
    description="Revenium's own time series (family A: GET /api/v2/analytics/cost-by-<dimension>, tokens-per-minute, token-vs-tool-cost, task-completion) per UTC day, one row per (endpoint, bucket, group, metric); a day's window gives hourly buckets; an endpoint asked with parameters is named with its query, e.g. tokens-per-minute?tokenType=TOTAL.",
    columns=(
        _ANALYTICS_TEAM,
        _c("endpoint", "endpoint", STR, "analytics endpoint name, e.g. cost-by-provider (set by the source)"),
        _c("bucket_start", "startTimestamp", TIMESTAMP, "bucket start (UTC)"),
        _c("bucket_end", "endTimestamp", TIMESTAMP, "bucket end (UTC, exclusive)"),
        _c("group_name", "groupName", STR),
        _c("metric_label", "label", STR),
        _c("metric_result", "metricResult", F64, "the figure (numeric metricResults only)"),
        _c("metric_type", "metricType", STR),
    )
    + BOOKKEEPING_COLUMNS,
)

REVENIUM_ANALYTICS_TABLES: tuple[RawTable, ...] = (
    REVENIUM_ANALYTICS_TIMESERIES,
    REVENIUM_ANALYTICS_AGGREGATED,
    REVENIUM_ANALYTICS_TRACE_COSTS,
    REVENIUM_ANALYTICS_JOBS_ROI,
)

HELICONE_REQUESTS = RawTable(
    name="requests",
    primary_key=("request_id",),
    event_time_column="request_created_at",
    description="Helicone requests (POST /v1/request/query-clickhouse), one row per request, de-duplicated by request_id.",
    columns=(
        _c("request_id", "request_id", STR),
        _c("request_created_at", "request_created_at", TIMESTAMP),
        _c("response_id", "response_id", STR),
        _c("response_created_at", "response_created_at", TIMESTAMP),
        _c("response_status", "response_status", I64, "HTTP status of the LLM response"),
        _c("request_model", "request_model", STR),
        _c("response_model", "response_model", STR),
        _c("model", "model", STR),
        _c("provider", "provider", STR),
        _c("delay_ms", "delay_ms", I64, "latency, ms"),
        _c("time_to_first_token", "time_to_first_token", I64, "ms"),
        _c("prompt_tokens", "prompt_tokens", I64, "prompt tokens, EXCLUDING cache read/write tokens"),
        _c("completion_tokens", "completion_tokens", I64, "completion tokens, including reasoning"),
        _c("prompt_cache_read_tokens", "prompt_cache_read_tokens", I64),
        _c("prompt_cache_write_tokens", "prompt_cache_write_tokens", I64),
        _c("reasoning_tokens", "reasoning_tokens", I64),
        _c("total_tokens", "total_tokens", I64, "prompt + completion (cache tokens not added)"),
        _c("cost", "cost", F64, "USD"),
        _c("request_user_id", "request_user_id", STR, "Helicone-User-Id"),
        _c(
            "properties",
            "properties",
            STR,
            "JSON object of custom properties (Helicone-Property-*, Helicone-Session-*)",
        ),
        _c("scores", "scores", STR, "JSON object of scores"),
        _c("country_code", "country_code", STR),
        _c("target_url", "target_url", STR),
        _c("request_path", "request_path", STR),
        _c("cache_enabled", "cache_enabled", BOOL),
        _c("cache_reference_id", "cache_reference_id", STR),
        _c("prompt_id", "prompt_id", STR),
        _c("prompt_version", "prompt_version", STR),
    )
    + BOOKKEEPING_COLUMNS,
)

HELICONE_COST_TOTALS = RawTable(
    name="metrics_total_cost",
    primary_key=("_day",),
    event_time_column=None,
    description="Helicone's own figure: POST /v1/metrics/totalCost for each UTC day.",
    columns=(
        _c("cost_usd", "cost_usd", F64, "the data value of the response, USD (picked out by the source)"),
    )
    + BOOKKEEPING_COLUMNS,
)

HELICONE_SESSIONS = RawTable(
    name="sessions",
    primary_key=("session_id", "_day"),
    event_time_column="created_at",
    description="Helicone sessions (POST /v1/session/query) of each UTC day: one row per (session, day), aggregated over the session's requests of that day.",
    columns=(
        _c("session_id", "session_id", STR, "Helicone-Session-Id"),
        _c("session_name", "session_name", STR, "Helicone-Session-Name"),
        _c("created_at", "created_at", TIMESTAMP, "first request of the session in the day"),
        _c("latest_request_created_at", "latest_request_created_at", TIMESTAMP, "last request in the day"),
        _c("total_requests", "total_requests", I64),
        _c("total_cost", "total_cost", F64, "USD"),
        _c(
            "prompt_tokens",
            "prompt_tokens",
            I64,
            "Helicone's prompt tokens, EXCLUDING cache read/write tokens",
        ),
        _c("completion_tokens", "completion_tokens", I64, "completion tokens, including reasoning"),
        _c("total_tokens", "total_tokens", I64, "prompt + completion (cache tokens not added)"),
        _c("avg_latency", "avg_latency", F64, "mean request latency, ms"),
        _c("user_ids", "user_ids", STR, "JSON array of the Helicone-User-Ids of the session's requests"),
    )
    + BOOKKEEPING_COLUMNS,
)

HELICONE_USER_METRICS = RawTable(
    name="user_metrics",
    primary_key=("user_id", "_day"),
    event_time_column=None,
    description="Helicone user metrics (POST /v1/user/metrics/query) for each UTC day: one row per (user, day).",
    columns=(
        _c("user_id", "user_id", STR, "Helicone-User-Id"),
        _c("id", "id", STR),
        _c("active_for", "active_for", I64, "distinct active days in the window (1 for a day window)"),
        _c("first_active", "first_active", TIMESTAMP),
        _c("last_active", "last_active", TIMESTAMP),
        _c("total_requests", "total_requests", I64),
        _c("average_requests_per_day_active", "average_requests_per_day_active", F64),
        _c("average_tokens_per_request", "average_tokens_per_request", F64),
        _c(
            "total_prompt_tokens",
            "total_prompt_tokens",
            I64,
            "Helicone's prompt tokens, EXCLUDING cache tokens",
        ),
        _c("total_completion_tokens", "total_completion_tokens", I64),
        _c("cost", "cost", F64, "USD"),
    )
    + BOOKKEEPING_COLUMNS,
)

ORQ_REPORTING_BUCKETS = RawTable(
    name="reporting_buckets",
    primary_key=("requested_metric", "bucket_start", "dimensions", "metric_key"),
    event_time_column="bucket_start",
    description="orq.ai POST /v2/reporting buckets, long: one row per (requested metric, bucket, dimension values, metric key).",
    columns=(
        _c("requested_metric", "requested_metric", STR, "the metric asked for, e.g. genai.cost"),
        _c("grain", "grain", STR, "meta.effective_grain of the response"),
        _c("bucket_start", "timestamp", TIMESTAMP, "bucket start, UTC"),
        _c("project", "dimensions.project", STR),
        _c("provider", "dimensions.provider", STR),
        _c("model", "dimensions.model", STR),
        _c("agent", "dimensions.agent", STR),
        _c("identity", "dimensions.identity", STR),
        _c(
            "dimensions",
            "dimensions",
            STR,
            "JSON object of every dimension value of the bucket (part of the key)",
        ),
        _c("metric_key", "metric_key", STR, "key inside the bucket's metrics map (the metrics map is open)"),
        _c("metric_value", "metric_value", F64),
    )
    + BOOKKEEPING_COLUMNS,
)

ORQ_COST_TOTALS = RawTable(
    name="reporting_cost_totals",
    primary_key=("_day",),
    event_time_column=None,
    description="orq.ai's own figure: genai.cost with include_totals for each UTC day (totals.metrics).",
    columns=(_c("cost_usd", "cost_usd", F64, "totals.metrics['genai.cost'], USD (picked out by the source)"),)
    + BOOKKEEPING_COLUMNS,
)

ORQ_TRACES = RawTable(
    name="traces",
    primary_key=("trace_id",),
    event_time_column="started_at",
    description="orq.ai traces (POST /v3/traces/search, TraceSummary), one row per trace, dated by its start.",
    columns=(
        _c("trace_id", "trace_id", STR),
        _c("root_span_id", "root_span_id", STR, "span id of the trace's root span"),
        _c("name", "name", STR, "trace name"),
        _c("operation", "operation", STR),
        _c("status", "status", STR, "ok or error"),
        _c("started_at", "started_at", TIMESTAMP),
        _c("ended_at", "ended_at", TIMESTAMP),
        _c("duration_ms", "duration_ms", F64, "ms"),
        _c("project_id", "project_id", STR),
        _c("identity_id", "identity_id", STR, "orq identity (the customer organization)"),
        _c("session_id", "session_id", STR),
        _c("thread_id", "thread_id", STR),
        _c("product", "product", STR),
        _c("providers", "providers", STR, "JSON array of the providers of the trace's spans"),
        _c("models", "models", STR, "JSON array of the models of the trace's spans"),
        _c("agent_id", "agent.id", STR),
        _c("agent_name", "agent.name", STR),
        _c("prompt_tokens", "usage.prompt_tokens", I64, "OpenAI-style: INCLUDES prompt_cached_tokens"),
        _c("completion_tokens", "usage.completion_tokens", I64, "INCLUDES completion_reasoning_tokens"),
        _c("total_tokens", "usage.total_tokens", I64, "prompt + completion"),
        _c("cost_total", "cost.total", F64, "USD"),
    )
    + BOOKKEEPING_COLUMNS,
)

ORQ_SPANS = RawTable(
    name="spans",
    primary_key=("trace_id", "span_id"),
    # A span belongs to the day its trace started: that day's trace search lists it, so a span that starts
    # after midnight is still landed (and replaced) with its trace, never lost between two days.
    event_time_column="trace_started_at",
    description="orq.ai spans (GET /v3/traces/{trace_id}/spans, SpanSummary) of the traces searched, one row per span.",
    columns=(
        _c("trace_id", "trace_id", STR),
        _c(
            "trace_started_at",
            "trace_started_at",
            TIMESTAMP,
            "start of the span's trace (from the trace search)",
        ),
        _c("span_id", "span_id", STR),
        _c("parent_span_id", "parent_span_id", STR, "null on a trace's root span"),
        _c("name", "name", STR, "span name (LLM spans: the agent's key)"),
        _c("type", "type", STR, "span type, e.g. llm"),
        _c("operation", "operation", STR, "e.g. chat"),
        _c("status", "status", STR, "ok or error"),
        _c("started_at", "started_at", TIMESTAMP),
        _c("ended_at", "ended_at", TIMESTAMP),
        _c("duration_ms", "duration_ms", F64, "ms"),
        _c("provider", "provider", STR, "lower case, e.g. openai"),
        _c("model", "model", STR),
        _c("prompt_tokens", "usage.prompt_tokens", I64, "OpenAI-style: INCLUDES prompt_cached_tokens"),
        _c("completion_tokens", "usage.completion_tokens", I64, "INCLUDES completion_reasoning_tokens"),
        _c("total_tokens", "usage.total_tokens", I64, "prompt + completion"),
        _c("prompt_cached_tokens", "usage.prompt_cached_tokens", I64, "cache-read prompt tokens"),
        _c("prompt_audio_tokens", "usage.prompt_audio_tokens", I64),
        _c("completion_reasoning_tokens", "usage.completion_reasoning_tokens", I64),
        _c("completion_audio_tokens", "usage.completion_audio_tokens", I64),
        _c("cost_input", "cost.input", F64, "USD"),
        _c("cost_output", "cost.output", F64, "USD"),
        _c("cost_cache_read", "cost.cache_read", F64, "USD"),
        _c("cost_cache_write", "cost.cache_write", F64, "USD"),
        _c("cost_reasoning", "cost.reasoning", F64, "USD"),
        _c("cost_total", "cost.total", F64, "USD"),
        _c("cost_currency", "cost.currency", STR),
        _c("cost_billable", "cost.billable", BOOL),
        _c("has_detail", "has_detail", BOOL),
    )
    + BOOKKEEPING_COLUMNS,
)

# Every raw table, by vendor: the one list that Dagster assets, raw checks and test fixtures are built from.
RAW_TABLES_BY_VENDOR: dict[str, tuple[RawTable, ...]] = {
    "revenium": (
        REVENIUM_COMPLETIONS,
        REVENIUM_COST_BY_PROVIDER,
        *REVENIUM_AGENTIC_TABLES,
        *REVENIUM_MEDIA_TABLES,
        *REVENIUM_ANALYTICS_TABLES,
    ),
    "helicone": (HELICONE_REQUESTS, HELICONE_COST_TOTALS, HELICONE_SESSIONS, HELICONE_USER_METRICS),
    "orq": (ORQ_REPORTING_BUCKETS, ORQ_COST_TOTALS, ORQ_TRACES, ORQ_SPANS),
}
