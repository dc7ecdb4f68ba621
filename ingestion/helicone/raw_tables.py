"""Helicone's raw tables (dataset ``raw_helicone``).

Declared once: the source projects every page through these (``ingestion.core.arrow_pages``), the Dagster
assets and checks are built from them, and ``dbt_project/models/staging/helicone/_helicone__sources.yml`` is
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
from ingestion.helicone.row_rules import RULES

NAME = "helicone"


_table = table_factory(NAME, RULES)


HELICONE_REQUESTS = _table(
    name="requests",
    primary_key=("request_id",),
    event_time_column="request_created_at",
    incremental_refresh=True,
    description="Helicone requests (POST /v1/request/query-clickhouse), one row per request, de-duplicated by request_id.",
    columns=(
        _c("request_id", "request_id", STR, "Helicone request id (unique)"),
        _c(
            "request_created_at",
            "request_created_at",
            TIMESTAMP,
            "when the request was received, UTC (event time: dates the row)",
        ),
        _c("response_id", "response_id", STR, "Helicone response id"),
        _c("response_created_at", "response_created_at", TIMESTAMP, "when the response was received, UTC"),
        _c("response_status", "response_status", I64, "HTTP status of the LLM response"),
        _c("request_model", "request_model", STR, "model named in the request"),
        _c("response_model", "response_model", STR, "model named in the response"),
        _c("model", "model", STR, "model Helicone attributes the request to"),
        _c("provider", "provider", STR, "provider as Helicone reports it (upper case, e.g. OPENAI)"),
        _c("delay_ms", "delay_ms", I64, "latency, ms"),
        _c("time_to_first_token", "time_to_first_token", I64, "ms"),
        _c("prompt_tokens", "prompt_tokens", I64, "prompt tokens, EXCLUDING cache read/write tokens"),
        _c("completion_tokens", "completion_tokens", I64, "completion tokens, including reasoning"),
        _c(
            "prompt_cache_read_tokens",
            "prompt_cache_read_tokens",
            I64,
            "prompt tokens read from the provider's cache",
        ),
        _c(
            "prompt_cache_write_tokens",
            "prompt_cache_write_tokens",
            I64,
            "prompt tokens written to the provider's cache",
        ),
        _c(
            "reasoning_tokens",
            "reasoning_tokens",
            I64,
            "reasoning tokens (already included in completion_tokens)",
        ),
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
        _c("country_code", "country_code", STR, "country of the caller"),
        _c("target_url", "target_url", STR, "upstream URL the request was proxied to"),
        _c("request_path", "request_path", STR, "path of the request (e.g. /v1/chat/completions)"),
        _c("cache_enabled", "cache_enabled", BOOL, "whether Helicone response caching was enabled"),
        _c("cache_reference_id", "cache_reference_id", STR, "id of the cached response served, if any"),
        _c("prompt_id", "prompt_id", STR, "Helicone prompt id"),
        _c("prompt_version", "prompt_version", STR, "Helicone prompt version"),
    )
    + BOOKKEEPING_COLUMNS,
)

HELICONE_COST_TOTALS = _table(
    name="metrics_total_cost",
    primary_key=("_day",),
    event_time_column=None,
    description="Helicone's own figure: POST /v1/metrics/totalCost for each UTC day.",
    event_time_doc="",
    columns=(
        _c("cost_usd", "cost_usd", F64, "the data value of the response, USD (picked out by the source)"),
    )
    + BOOKKEEPING_COLUMNS,
)

HELICONE_SESSIONS = _table(
    name="sessions",
    primary_key=("session_id", "_day"),
    event_time_column="created_at",
    description="Helicone sessions (POST /v1/session/query) of each UTC day: one row per (session, day), aggregated over the session's requests of that day.",
    columns=(
        _c("session_id", "session_id", STR, "Helicone-Session-Id"),
        _c("session_name", "session_name", STR, "Helicone-Session-Name"),
        _c("created_at", "created_at", TIMESTAMP, "first request of the session in the day"),
        _c("latest_request_created_at", "latest_request_created_at", TIMESTAMP, "last request in the day"),
        _c("total_requests", "total_requests", I64, "total requests"),
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

HELICONE_USER_METRICS = _table(
    name="user_metrics",
    primary_key=("user_id", "_day"),
    event_time_column=None,
    description="Helicone user metrics (POST /v1/user/metrics/query) for each UTC day: one row per (user, day).",
    event_time_doc="",
    columns=(
        _c("user_id", "user_id", STR, "Helicone-User-Id"),
        _c("id", "id", STR, "id"),
        _c("active_for", "active_for", I64, "distinct active days in the window (1 for a day window)"),
        _c("first_active", "first_active", TIMESTAMP, "first active"),
        _c("last_active", "last_active", TIMESTAMP, "last active"),
        _c("total_requests", "total_requests", I64, "total requests"),
        _c(
            "average_requests_per_day_active",
            "average_requests_per_day_active",
            F64,
            "average requests per day active",
        ),
        _c("average_tokens_per_request", "average_tokens_per_request", F64, "average tokens per request"),
        _c(
            "total_prompt_tokens",
            "total_prompt_tokens",
            I64,
            "Helicone's prompt tokens, EXCLUDING cache tokens",
        ),
        _c("total_completion_tokens", "total_completion_tokens", I64, "total completion tokens"),
        _c("cost", "cost", F64, "USD"),
    )
    + BOOKKEEPING_COLUMNS,
)

# Every Helicone raw table, in the order the dbt sources YAML lists them.
RAW_TABLES: tuple[RawTable, ...] = (
    HELICONE_REQUESTS,
    HELICONE_COST_TOTALS,
    HELICONE_SESSIONS,
    HELICONE_USER_METRICS,
)
