"""orq.ai's raw tables (dataset ``raw_orq``).

Declared once: the source projects every page through these (``ingestion.core.arrow_pages``), the Dagster
assets and checks are built from them, and ``dbt_project/models/staging/orq/_orq__sources.yml`` is
generated from them (``python -m ingestion.dbt_sources``).
"""

from __future__ import annotations

from ingestion.core.raw_table import (
    BOOKKEEPING_COLUMNS,
    BOOL,
    F64,
    I64,
    STR,
    TIMESTAMP,
    RawTable,
    table_factory,
)
from ingestion.core.raw_table import column as _c
from ingestion.orq.row_rules import RULES

NAME = "orq"


_table = table_factory(NAME, RULES)


ORQ_REPORTING_BUCKETS = _table(
    name="reporting_buckets",
    primary_key=("requested_metric", "bucket_start", "dimensions", "metric_key"),
    event_time_column="bucket_start",
    # the source starts an increment at the hour (a bucket is an hour): the open hour is asked again
    incremental_refresh=True,
    description="orq.ai POST /v2/reporting buckets, long: one row per (requested metric, bucket, dimension values, metric key).",
    columns=(
        _c("requested_metric", "requested_metric", STR, "the metric asked for, e.g. genai.cost"),
        _c("grain", "grain", STR, "meta.effective_grain of the response"),
        _c("bucket_start", "timestamp", TIMESTAMP, "bucket start, UTC"),
        _c("project", "dimensions.project", STR, "project dimension of the bucket (the product name)"),
        _c(
            "provider",
            "dimensions.provider",
            STR,
            "provider dimension of the bucket (lower case, e.g. openai)",
        ),
        _c("model", "dimensions.model", STR, "model dimension of the bucket"),
        _c("agent", "dimensions.agent", STR, "agent dimension of the bucket"),
        _c(
            "identity", "dimensions.identity", STR, "identity dimension of the bucket (the organization name)"
        ),
        _c(
            "dimensions",
            "dimensions",
            STR,
            "JSON object of every dimension value of the bucket (part of the key)",
        ),
        _c("metric_key", "metric_key", STR, "key inside the bucket's metrics map (the metrics map is open)"),
        _c("metric_value", "metric_value", F64, "value of metric_key in the bucket"),
    )
    + BOOKKEEPING_COLUMNS,
)

ORQ_COST_TOTALS = _table(
    name="reporting_cost_totals",
    primary_key=("_day",),
    event_time_column=None,
    description="orq.ai's own figure: genai.cost with include_totals for each UTC day (totals.metrics).",
    event_time_doc="",
    columns=(_c("cost_usd", "cost_usd", F64, "totals.metrics['genai.cost'], USD (picked out by the source)"),)
    + BOOKKEEPING_COLUMNS,
)

ORQ_TRACES = _table(
    name="traces",
    primary_key=("trace_id",),
    event_time_column="started_at",
    # a trace still running at a refresh is listed again while it started within the overlap
    incremental_refresh=True,
    description="orq.ai traces (POST /v3/traces/search, TraceSummary), one row per trace, dated by its start.",
    columns=(
        _c("trace_id", "trace_id", STR, "trace id"),
        _c("root_span_id", "root_span_id", STR, "span id of the trace's root span"),
        _c("name", "name", STR, "trace name"),
        _c("operation", "operation", STR, "operation"),
        _c("status", "status", STR, "ok or error"),
        _c("started_at", "started_at", TIMESTAMP, "started at"),
        _c("ended_at", "ended_at", TIMESTAMP, "ended at"),
        _c("duration_ms", "duration_ms", F64, "ms"),
        _c("project_id", "project_id", STR, "project id"),
        _c("identity_id", "identity_id", STR, "orq identity (the customer organization)"),
        _c("session_id", "session_id", STR, "session id"),
        _c("thread_id", "thread_id", STR, "thread id"),
        _c("product", "product", STR, "product"),
        _c("providers", "providers", STR, "JSON array of the providers of the trace's spans"),
        _c("models", "models", STR, "JSON array of the models of the trace's spans"),
        _c("agent_id", "agent.id", STR, "agent id"),
        _c("agent_name", "agent.name", STR, "agent name"),
        _c("prompt_tokens", "usage.prompt_tokens", I64, "OpenAI-style: INCLUDES prompt_cached_tokens"),
        _c("completion_tokens", "usage.completion_tokens", I64, "INCLUDES completion_reasoning_tokens"),
        _c("total_tokens", "usage.total_tokens", I64, "prompt + completion"),
        _c("cost_total", "cost.total", F64, "USD"),
    )
    + BOOKKEEPING_COLUMNS,
)

ORQ_SPANS = _table(
    name="spans",
    primary_key=("trace_id", "span_id"),
    # A span belongs to the day its trace started: that day's trace search lists it, so a span that starts
    # after midnight is still landed (and replaced) with its trace, never lost between two days.
    event_time_column="trace_started_at",
    incremental_refresh=True,
    description="orq.ai spans (GET /v3/traces/{trace_id}/spans, SpanSummary) of the traces searched, one row per span.",
    event_time_doc="Event time: trace_started_at (a span belongs to the day its trace started).",
    columns=(
        _c("trace_id", "trace_id", STR, "trace id"),
        _c(
            "trace_started_at",
            "trace_started_at",
            TIMESTAMP,
            "start of the span's trace (from the trace search)",
            # set by the source from the trace search, not a field of the span: described as such
            doc="start of the span's trace, from the trace search; dates the span's day",
        ),
        _c("span_id", "span_id", STR, "span id"),
        _c("parent_span_id", "parent_span_id", STR, "null on a trace's root span"),
        _c("name", "name", STR, "span name (LLM spans: the agent's key)"),
        _c("type", "type", STR, "span type, e.g. llm"),
        _c("operation", "operation", STR, "e.g. chat"),
        _c("status", "status", STR, "ok or error"),
        _c("started_at", "started_at", TIMESTAMP, "started at"),
        _c("ended_at", "ended_at", TIMESTAMP, "ended at"),
        _c("duration_ms", "duration_ms", F64, "ms"),
        _c("provider", "provider", STR, "lower case, e.g. openai"),
        _c("model", "model", STR, "model"),
        _c("prompt_tokens", "usage.prompt_tokens", I64, "OpenAI-style: INCLUDES prompt_cached_tokens"),
        _c("completion_tokens", "usage.completion_tokens", I64, "INCLUDES completion_reasoning_tokens"),
        _c("total_tokens", "usage.total_tokens", I64, "prompt + completion"),
        _c("prompt_cached_tokens", "usage.prompt_cached_tokens", I64, "cache-read prompt tokens"),
        _c("prompt_audio_tokens", "usage.prompt_audio_tokens", I64, "prompt audio tokens"),
        _c(
            "completion_reasoning_tokens",
            "usage.completion_reasoning_tokens",
            I64,
            "completion reasoning tokens",
        ),
        _c("completion_audio_tokens", "usage.completion_audio_tokens", I64, "completion audio tokens"),
        _c("cost_input", "cost.input", F64, "USD"),
        _c("cost_output", "cost.output", F64, "USD"),
        _c("cost_cache_read", "cost.cache_read", F64, "USD"),
        _c("cost_cache_write", "cost.cache_write", F64, "USD"),
        _c("cost_reasoning", "cost.reasoning", F64, "USD"),
        _c("cost_total", "cost.total", F64, "USD"),
        _c("cost_currency", "cost.currency", STR, "cost currency"),
        _c("cost_billable", "cost.billable", BOOL, "cost billable"),
        _c("has_detail", "has_detail", BOOL, "has detail"),
    )
    + BOOKKEEPING_COLUMNS,
)

# Every orq.ai raw table, in the order the dbt sources YAML lists them.
RAW_TABLES: tuple[RawTable, ...] = (ORQ_REPORTING_BUCKETS, ORQ_COST_TOTALS, ORQ_TRACES, ORQ_SPANS)
