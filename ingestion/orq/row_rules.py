"""orq.ai's row rules (docs/quality-gates.md), by raw table name; ``raw_tables`` attaches them to the tables.

Applied at projection time (``ingestion.core.arrow_pages``: a row breaking one goes to quarantine) and after
the load by the Great Expectations suites (``dagster_project/defs/quality/suites.py``).
"""

from __future__ import annotations

from dataclasses import replace

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

# Money columns (USD; dbt casts them to DECIMAL(18,9)): a value at or above raw_table.MONEY_LIMIT in absolute
# value is quarantined (``out_of_range``), not landed to fail dbt later. A reporting bucket's metric_value
# is bounded too: its genai.cost values are money, and its counts are cast to BIGINT downstream.
MONEY: dict[str, tuple[str, ...]] = {
    "reporting_buckets": ("metric_value",),
    "reporting_cost_totals": ("cost_usd",),
    "traces": ("cost_total",),
    "spans": (
        "cost_input",
        "cost_output",
        "cost_cache_read",
        "cost_cache_write",
        "cost_reasoning",
        "cost_total",
    ),
}
RULES = {name: replace(rules, money=MONEY.get(name, ())) for name, rules in RULES.items()}
