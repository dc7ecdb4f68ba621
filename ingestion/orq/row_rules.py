"""orq.ai's row rules (docs/quality-gates.md), by raw table name; ``raw_tables`` attaches them to the tables.

Applied at projection time (``ingestion.core.arrow_pages``: a row breaking one goes to quarantine) and after
the load by the Great Expectations suites (``dagster_project/defs/quality/suites.py``).
"""

from __future__ import annotations

from ingestion.core.row_rules import RawRules

ORQ_GRAINS = ("minute", "hour", "day")
ORQ_STATUSES = ("ok", "error")

RULES: dict[str, RawRules] = {
    "reporting_buckets": RawRules(
        required=("requested_metric", "bucket_start", "metric_key", "metric_value"),
        non_negative=("metric_value",),
        enums={"grain": ORQ_GRAINS},
    ),
    "reporting_cost_totals": RawRules(required=("cost_usd",), non_negative=("cost_usd",)),
    "traces": RawRules(
        required=("trace_id", "started_at"),
        non_negative=("duration_ms", "prompt_tokens", "completion_tokens", "total_tokens", "cost_total"),
        enums={"status": ORQ_STATUSES},
    ),
    "spans": RawRules(
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
