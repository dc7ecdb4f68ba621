"""The row-level rules of docs/quality-gates.md for every raw table, declared once.

They are applied twice: at projection time (``ingestion.arrow_pages``), where a row that breaks one goes to
the quarantine table instead of the raw table, and after the load by the Great Expectations suites
(``dagster_project/defs/quality/suites.py``), which also check what only a whole table shows (unique keys).
Keys are ``raw_<vendor>.<table>``, the DuckDB schema and table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingestion.raw_tables import RAW_TABLES_BY_VENDOR, RawTable

REVENIUM_STOP_REASONS = (
    "END",
    "END_SEQUENCE",
    "TIMEOUT",
    "TOKEN_LIMIT",
    "COST_LIMIT",
    "COMPLETION_LIMIT",
    "ERROR",
    "CANCELLED",
)
REVENIUM_METRIC_TYPES = ("COMPLETION", "AUDIO", "IMAGE", "VIDEO")
REVENIUM_JOB_STATUSES = ("SUCCESS", "FAILED", "CANCELLED")
REVENIUM_OUTCOME_TYPES = ("CONVERTED", "ESCALATED", "DEFLECTED", "UNSUCCESSFUL", "CUSTOM")
REVENIUM_SQUAD_STATUSES = ("SUCCESS", "PARTIAL", "FAILED")
REVENIUM_ANALYTICS_METRIC_TYPES = ("MONEY", "PERCENTAGE", "COUNT", "SECONDS", "MILLISECONDS")
# The union of the billing units the vendor's SDK and CLI versions name (docs/vendor-apis/revenium.md §3.2-§3.4).
REVENIUM_BILLING_UNITS = ("PER_MINUTE", "PER_SECOND", "PER_CHARACTER", "PER_TOKEN", "PER_IMAGE", "CREDITS")
ORQ_GRAINS = ("minute", "hour", "day")
ORQ_STATUSES = ("ok", "error")


@dataclass(frozen=True)
class RawRules:
    """What must hold for every row of one raw table."""

    required: tuple[str, ...]
    non_negative: tuple[str, ...] = ()
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)


RULES: dict[str, RawRules] = {
    "raw_revenium.completions": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost"),
        non_negative=(
            "input_token_count",
            "output_token_count",
            "total_token_count",
            "cache_read_token_count",
            "cache_creation_token_count",
            "reasoning_token_count",
            "input_token_cost",
            "output_token_cost",
            "cache_read_token_cost",
            "cache_creation_token_cost",
            "total_cost",
            "request_duration",
            "time_to_first_token",
        ),
        enums={"stop_reason": REVENIUM_STOP_REASONS, "metric_type": REVENIUM_METRIC_TYPES},
    ),
    "raw_revenium.analytics_cost_by_provider": RawRules(
        required=("group_name", "cost_usd"), non_negative=("cost_usd",)
    ),
    "raw_revenium.traces": RawRules(
        required=("team_id", "trace_id", "start_time", "total_cost"),
        non_negative=(
            "total_cost",
            "transaction_count",
            "error_count",
            "trace_duration_ms",
            "total_token_count",
        ),
    ),
    "raw_revenium.tool_events": RawRules(
        required=("team_id", "id", "tool_id", "event_time", "success"),
        non_negative=("cost_usd", "duration_ms"),
    ),
    "raw_revenium.squad_executions": RawRules(
        required=("team_id", "id", "squad_name", "start_time", "total_cost"),
        non_negative=("total_cost", "duration_ms", "trace_count", "transaction_count", "error_count"),
        enums={"status": REVENIUM_SQUAD_STATUSES},
    ),
    "raw_revenium.squad_timeline_events": RawRules(
        required=("team_id", "squad_id", "id", "start_time"), non_negative=("cost", "total_tokens")
    ),
    "raw_revenium.squad_entities": RawRules(
        required=("team_id", "id", "label"), non_negative=("execution_count", "total_cost")
    ),
    "raw_revenium.jobs": RawRules(
        required=("team_id", "agentic_job_id", "created_at", "job_type"),
        non_negative=("outcome_value",),
        enums={"execution_status": REVENIUM_JOB_STATUSES, "outcome_type": REVENIUM_OUTCOME_TYPES},
    ),
    "raw_revenium.job_roi": RawRules(
        required=("team_id", "agentic_job_id", "total_cost"), non_negative=("total_cost", "transaction_count")
    ),
    "raw_revenium.job_transactions": RawRules(
        required=("team_id", "agentic_job_id", "transaction_id", "event_time"), non_negative=("cost",)
    ),
    "raw_revenium.job_outcome_history": RawRules(
        required=("team_id", "agentic_job_id", "amendment_sequence", "reported_at"),
        enums={"outcome_type": REVENIUM_OUTCOME_TYPES},
    ),
    "raw_revenium.job_types": RawRules(required=("team_id", "job_type")),
    "raw_revenium.analytics_aggregated": RawRules(
        required=("endpoint", "group_name", "metric_label", "metric_result"),
        enums={"metric_type": REVENIUM_ANALYTICS_METRIC_TYPES},
    ),
    "raw_revenium.analytics_timeseries": RawRules(
        required=("endpoint", "bucket_start", "group_name", "metric_label", "metric_result"),
        non_negative=("metric_result",),
        enums={"metric_type": REVENIUM_ANALYTICS_METRIC_TYPES},
    ),
    "raw_revenium.analytics_trace_cost_distribution": RawRules(
        required=("transaction_id", "trace_start", "total_cost"), non_negative=("total_cost", "total_calls")
    ),
    "raw_revenium.analytics_jobs_roi_summary": RawRules(
        required=("job_type", "total_jobs", "total_cost"),
        non_negative=("total_jobs", "total_cost", "total_value"),
    ),
    "raw_revenium.ai_metrics": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost"),
        non_negative=("total_cost", "request_duration"),
        enums={"metric_type": REVENIUM_METRIC_TYPES},
    ),
    "raw_revenium.audio_metrics": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost", "billing_unit"),
        non_negative=("total_cost", "request_duration", "duration_seconds", "character_count"),
        enums={"metric_type": ("AUDIO",), "billing_unit": REVENIUM_BILLING_UNITS},
    ),
    "raw_revenium.image_metrics": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost", "billing_unit"),
        non_negative=("total_cost", "request_duration", "requested_image_count", "actual_image_count"),
        enums={"metric_type": ("IMAGE",), "billing_unit": REVENIUM_BILLING_UNITS},
    ),
    "raw_revenium.video_metrics": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost", "billing_unit"),
        non_negative=("total_cost", "request_duration", "duration_seconds", "credits_consumed"),
        enums={"metric_type": ("VIDEO",), "billing_unit": REVENIUM_BILLING_UNITS},
    ),
    "raw_revenium.job_conversion_funnel": RawRules(
        required=("team_id", "total_jobs"), non_negative=("total_jobs", "successful_jobs", "converted_jobs")
    ),
    "raw_helicone.requests": RawRules(
        required=("request_id", "request_created_at", "provider"),
        non_negative=(
            "prompt_tokens",
            "completion_tokens",
            "prompt_cache_read_tokens",
            "prompt_cache_write_tokens",
            "reasoning_tokens",
            "total_tokens",
            "cost",
            "delay_ms",
            "time_to_first_token",
        ),
    ),
    "raw_helicone.metrics_total_cost": RawRules(required=("cost_usd",), non_negative=("cost_usd",)),
    "raw_helicone.sessions": RawRules(
        required=("session_id", "created_at", "total_requests"),
        non_negative=(
            "total_requests",
            "total_cost",
            "prompt_tokens",
            "completion_tokens",
            "total_tokens",
            "avg_latency",
        ),
    ),
    "raw_helicone.user_metrics": RawRules(
        required=("user_id", "total_requests"),
        non_negative=(
            "active_for",
            "total_requests",
            "average_requests_per_day_active",
            "average_tokens_per_request",
            "total_prompt_tokens",
            "total_completion_tokens",
            "cost",
        ),
    ),
    "raw_orq.reporting_buckets": RawRules(
        required=("requested_metric", "bucket_start", "metric_key", "metric_value"),
        non_negative=("metric_value",),
        enums={"grain": ORQ_GRAINS},
    ),
    "raw_orq.reporting_cost_totals": RawRules(required=("cost_usd",), non_negative=("cost_usd",)),
    "raw_orq.traces": RawRules(
        required=("trace_id", "started_at"),
        non_negative=("duration_ms", "prompt_tokens", "completion_tokens", "total_tokens", "cost_total"),
        enums={"status": ORQ_STATUSES},
    ),
    "raw_orq.spans": RawRules(
        required=("trace_id", "span_id", "started_at", "type"),
        non_negative=(
            "duration_ms",
            "prompt_tokens",
            "completion_tokens",
            "total_tokens",
            "prompt_cached_tokens",
            "completion_reasoning_tokens",
            "cost_input",
            "cost_output",
            "cost_cache_read",
            "cost_cache_write",
            "cost_total",
        ),
        enums={"status": ORQ_STATUSES},
    ),
}


def vendor_of(table: RawTable) -> str:
    """The vendor whose registry holds ``table`` (the very object: table names repeat across vendors)."""
    for vendor, tables in RAW_TABLES_BY_VENDOR.items():
        if any(t is table for t in tables):
            return vendor
    raise KeyError(f"{table.name} is not in RAW_TABLES_BY_VENDOR")


def qualified_name(table: RawTable) -> str:
    return f"raw_{vendor_of(table)}.{table.name}"


def rules_for(table: RawTable) -> RawRules:
    """The table's rules; a table without declared rules still has its key and event time checked."""
    return RULES.get(qualified_name(table), RawRules(required=()))
