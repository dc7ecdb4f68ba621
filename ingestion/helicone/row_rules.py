"""Helicone's row rules (docs/quality-gates.md), by raw table name; ``raw_tables`` attaches them to the tables.

Applied at projection time (``ingestion.core.arrow_pages``: a row breaking one goes to quarantine) and after
the load by the Great Expectations suites (``dagster_project/defs/quality/suites.py``).
"""

from __future__ import annotations

from dataclasses import replace

from ingestion.core.row_rules import RawRules

RULES: dict[str, RawRules] = {
    "requests": RawRules(
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
    "metrics_total_cost": RawRules(required=("cost_usd",), non_negative=("cost_usd",)),
    "sessions": RawRules(
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
    "user_metrics": RawRules(
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
}

# Money columns (USD; dbt casts them to DECIMAL(18,9)): a value at or above raw_table.MONEY_LIMIT in absolute
# value is quarantined (``out_of_range``), not landed to fail dbt later.
MONEY: dict[str, tuple[str, ...]] = {
    "requests": ("cost",),
    "metrics_total_cost": ("cost_usd",),
    "sessions": ("total_cost",),
    "user_metrics": ("cost",),
}
RULES = {name: replace(rules, money=MONEY.get(name, ())) for name, rules in RULES.items()}
