"""Revenium's row rules (docs/quality-gates.md), by raw table name; ``raw_tables`` attaches them to the tables.

Applied at projection time (``ingestion.core.arrow_pages``: a row breaking one goes to quarantine) and after
the load by the Great Expectations suites (``dagster_project/defs/quality/suites.py``).
"""

from __future__ import annotations

from dataclasses import replace

from ingestion.core.row_rules import RawRules

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

RULES: dict[str, RawRules] = {
    "completions": RawRules(
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
    "analytics_cost_by_provider": RawRules(required=("group_name", "cost_usd"), non_negative=("cost_usd",)),
    "traces": RawRules(
        required=("team_id", "trace_id", "start_time", "total_cost"),
        non_negative=(
            "total_cost",
            "transaction_count",
            "error_count",
            "trace_duration_ms",
            "total_token_count",
        ),
    ),
    "tool_events": RawRules(
        required=("team_id", "id", "tool_id", "event_time", "success"),
        non_negative=("cost_usd", "duration_ms"),
    ),
    "squad_executions": RawRules(
        required=("team_id", "id", "squad_name", "start_time", "total_cost"),
        non_negative=("total_cost", "duration_ms", "trace_count", "transaction_count", "error_count"),
        enums={"status": REVENIUM_SQUAD_STATUSES},
    ),
    "squad_timeline_events": RawRules(
        required=("team_id", "squad_id", "id", "start_time"), non_negative=("cost", "total_tokens")
    ),
    "squad_entities": RawRules(
        required=("team_id", "id", "label"), non_negative=("execution_count", "total_cost")
    ),
    "jobs": RawRules(
        required=("team_id", "agentic_job_id", "created_at", "job_type"),
        non_negative=("outcome_value",),
        enums={"execution_status": REVENIUM_JOB_STATUSES, "outcome_type": REVENIUM_OUTCOME_TYPES},
    ),
    "job_roi": RawRules(
        required=("team_id", "agentic_job_id", "total_cost"), non_negative=("total_cost", "transaction_count")
    ),
    "job_transactions": RawRules(
        required=("team_id", "agentic_job_id", "transaction_id", "event_time"), non_negative=("cost",)
    ),
    "job_outcome_history": RawRules(
        required=("team_id", "agentic_job_id", "amendment_sequence", "reported_at"),
        enums={"outcome_type": REVENIUM_OUTCOME_TYPES},
    ),
    "job_types": RawRules(required=("team_id", "job_type")),
    "analytics_aggregated": RawRules(
        required=("endpoint", "group_name", "metric_label", "metric_result"),
        enums={"metric_type": REVENIUM_ANALYTICS_METRIC_TYPES},
    ),
    "analytics_timeseries": RawRules(
        required=("endpoint", "bucket_start", "group_name", "metric_label", "metric_result"),
        non_negative=("metric_result",),
        enums={"metric_type": REVENIUM_ANALYTICS_METRIC_TYPES},
    ),
    "analytics_trace_cost_distribution": RawRules(
        required=("transaction_id", "trace_start", "total_cost"), non_negative=("total_cost", "total_calls")
    ),
    "analytics_jobs_roi_summary": RawRules(
        required=("job_type", "total_jobs", "total_cost"),
        non_negative=("total_jobs", "total_cost", "total_value"),
    ),
    "ai_metrics": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost"),
        non_negative=("total_cost", "request_duration"),
        enums={"metric_type": REVENIUM_METRIC_TYPES},
    ),
    "audio_metrics": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost", "billing_unit"),
        non_negative=("total_cost", "request_duration", "duration_seconds", "character_count"),
        enums={"metric_type": ("AUDIO",), "billing_unit": REVENIUM_BILLING_UNITS},
    ),
    "image_metrics": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost", "billing_unit"),
        non_negative=("total_cost", "request_duration", "requested_image_count", "actual_image_count"),
        enums={"metric_type": ("IMAGE",), "billing_unit": REVENIUM_BILLING_UNITS},
    ),
    "video_metrics": RawRules(
        required=("team_id", "id", "model", "provider", "request_time", "total_cost", "billing_unit"),
        non_negative=("total_cost", "request_duration", "duration_seconds", "credits_consumed"),
        enums={"metric_type": ("VIDEO",), "billing_unit": REVENIUM_BILLING_UNITS},
    ),
    "job_conversion_funnel": RawRules(
        required=("team_id", "total_jobs"), non_negative=("total_jobs", "successful_jobs", "converted_jobs")
    ),
}

# Money columns (USD; dbt casts them to DECIMAL(18,9)): a value at or above raw_table.MONEY_LIMIT in absolute
# value is quarantined (``out_of_range``), not landed to fail dbt later.
MONEY: dict[str, tuple[str, ...]] = {
    "completions": (
        "input_token_cost",
        "output_token_cost",
        "cache_read_token_cost",
        "cache_creation_token_cost",
        "total_cost",
    ),
    "analytics_cost_by_provider": ("cost_usd",),
    "traces": ("total_cost",),
    "tool_events": ("cost_usd",),
    "squad_executions": ("total_cost",),
    "squad_timeline_events": ("cost",),
    "squad_entities": ("total_cost",),
    "jobs": ("outcome_value",),
    "job_roi": ("total_cost", "outcome_value"),
    "job_transactions": ("cost",),
    "job_outcome_history": ("outcome_value",),
    "analytics_trace_cost_distribution": ("total_cost",),
    "analytics_jobs_roi_summary": (
        "total_cost",
        "token_cost",
        "modality_cost",
        "external_tool_cost",
        "human_cost",
        "total_value",
    ),
    "ai_metrics": ("total_cost",),
    "audio_metrics": ("total_cost",),
    "image_metrics": ("total_cost",),
    "video_metrics": ("total_cost",),
}
RULES = {name: replace(rules, money=MONEY.get(name, ())) for name, rules in RULES.items()}
