"""orq.ai: hourly reporting buckets and orq's own cost figure, from ``POST /v2/reporting``.

The reporting API truncates at ``limit`` (capped at 5000) and says ``has_more: false`` regardless, with no
cursor. So a response that comes back full is treated as possibly cut: the window is halved (on hour
boundaries) and both halves are asked again, until no response is full. Metric maps are open: every key
the server returns is landed as its own row. Reference: helicone-orq.md §B.1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa

from ingestion.arrow_pages import records_to_table
from ingestion.config import OrqSettings
from ingestion.dlt_resources import windowed_merge_args
from ingestion.http_client import VendorClient
from ingestion.raw_tables import ORQ_COST_TOTALS, ORQ_REPORTING_BUCKETS
from ingestion.windows import Window, iso_z

REPORTING_PATH = "/v2/reporting"
MAX_LIMIT = 5000
BUCKET_METRICS = ("genai.requests", "genai.errors", "genai.tokens", "genai.cost")
GROUP_BY = ("project", "provider", "model", "agent", "identity")
HOUR = timedelta(hours=1)


class TruncatedReportError(RuntimeError):
    pass


def _metrics() -> tuple[str, ...]:
    configured = os.environ.get("ORQ_REPORTING_METRICS")
    return tuple(m.strip() for m in configured.split(",") if m.strip()) if configured else BUCKET_METRICS


def query(client: VendorClient, metric: str, window: Window, limit: int, **extra: Any) -> dict[str, Any]:
    body = {
        "metric": metric,
        "from": iso_z(window.start),
        "to": iso_z(window.end),
        "grain": "hour",
        "group_by": list(GROUP_BY),
        "limit": limit,
        "time_zone": "UTC",
        **extra,
    }
    response = client.post(REPORTING_PATH, body)
    if not isinstance(response, dict) or not isinstance(response.get("data"), list):
        raise ValueError(f"orq reporting: unexpected response shape: {str(response)[:200]}")
    return response


def complete_buckets(client: VendorClient, metric: str, window: Window, limit: int = MAX_LIMIT) -> list[dict]:
    """Every bucket of ``metric`` in ``window``, splitting the window while responses come back full."""
    response = query(client, metric, window, limit)
    if len(response["data"]) < limit:
        return [
            {**point, "_grain": (response.get("meta") or {}).get("effective_grain")}
            for point in response["data"]
        ]
    halves = window.halves(HOUR)
    if halves is None:
        raise TruncatedReportError(
            f"orq reporting: {metric} for the single hour {iso_z(window.start)} returned {limit} rows, the "
            "server's cap; it cannot be split further, so buckets may be missing"
        )
    return [b for half in halves for b in complete_buckets(client, metric, half, limit)]


def to_long_rows(metric: str, buckets: list[dict]) -> list[dict[str, Any]]:
    rows = []
    for bucket in buckets:
        for key, value in (bucket.get("metrics") or {}).items():
            rows.append(
                {
                    "requested_metric": metric,
                    "grain": bucket.get("_grain"),
                    "timestamp": bucket.get("timestamp"),
                    "dimensions": bucket.get("dimensions") or {},
                    "metric_key": key,
                    "metric_value": value,
                }
            )
    return rows


@dlt.source(name="orq", max_table_nesting=0)
def orq_source(
    window_start: datetime, window_end: datetime, settings: OrqSettings | None = None, limit: int = MAX_LIMIT
) -> list[Any]:
    window = Window(window_start, window_end)

    def _client() -> VendorClient:
        s = settings or OrqSettings.from_env()
        return VendorClient("orq", s.base_url, {"Authorization": f"Bearer {s.api_key}"})

    @dlt.resource(**windowed_merge_args(ORQ_REPORTING_BUCKETS))
    def reporting_buckets() -> Iterator[pa.Table]:
        with _client() as client:
            for day in window.days():
                for metric in _metrics():
                    rows = to_long_rows(metric, complete_buckets(client, metric, day, limit))
                    yield records_to_table(ORQ_REPORTING_BUCKETS, rows, window)

    @dlt.resource(**windowed_merge_args(ORQ_COST_TOTALS))
    def reporting_cost_totals() -> Iterator[pa.Table]:
        with _client() as client:
            for day in window.days():
                response = query(client, "genai.cost", day, 1, grain="day", group_by=[], include_totals=True)
                value = ((response.get("totals") or {}).get("metrics") or {}).get("genai.cost")
                cost = float(value) if isinstance(value, int | float) else None
                yield records_to_table(ORQ_COST_TOTALS, [{"cost_usd": cost}], window, day=day.start.date())

    return [reporting_buckets, reporting_cost_totals]
