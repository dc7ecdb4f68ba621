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

# Fields never landed, at any depth: prompt/response text and credential values (DESIGN §4 Secrets).
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
