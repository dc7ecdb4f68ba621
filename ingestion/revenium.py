"""Revenium: AI completion metrics (platform host) and Revenium's own cost figure (analytics host).

Platform reads take ``x-api-key`` and a ``teamId`` on every call and answer in Spring HAL pages whose size
the server caps at 100; the analytics host takes the same key as a Bearer token and resolves the team from
it. References: ../shared/vendor-apis/revenium.md §1–§2, §5.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import dlt
import pyarrow as pa

from ingestion.arrow_pages import records_to_table
from ingestion.config import ReveniumSettings
from ingestion.dlt_resources import windowed_merge_args
from ingestion.http_client import VendorClient
from ingestion.raw_tables import REVENIUM_COMPLETIONS, REVENIUM_COST_BY_PROVIDER
from ingestion.windows import Window, iso_z

COMPLETIONS_PATH = "/profitstream/v2/api/sources/metrics/ai/completions"
COST_BY_PROVIDER_PATH = "/api/v2/analytics/cost-by-provider-aggregated"
PAGE_SIZE = 100  # the server's cap; asking for more silently returns 100


def hal_items(body: Any) -> list[dict[str, Any]]:
    """The records of a HAL page, whichever of the shapes Revenium uses.

    ``{"_embedded": {"<anything>List": [...]}}`` (the key differs per resource), a missing ``_embedded``
    (empty), a bare JSON array, or a non-HAL ``{"content": [...]}`` page.
    """
    if isinstance(body, list):
        return body
    if not isinstance(body, Mapping):
        raise ValueError(f"expected a JSON object or array, got {type(body).__name__}")
    embedded = body.get("_embedded")
    if isinstance(embedded, Mapping):
        for value in embedded.values():
            if isinstance(value, list):
                return value
        return []
    if isinstance(body.get("content"), list):
        return body["content"]
    return []


def hal_total_pages(body: Any) -> int | None:
    page = body.get("page") if isinstance(body, Mapping) else None
    if isinstance(page, Mapping) and page.get("totalPages") is not None:
        return int(page["totalPages"])
    return None


def iter_completion_pages(
    client: VendorClient, team_id: str, window: Window, page_size: int = PAGE_SIZE
) -> Iterator[list[dict[str, Any]]]:
    """Every page of completions for one team and window, oldest first.

    Pages are walked by number up to ``page.totalPages`` as the first page reported it; a page that comes
    back empty ends the walk early. Records are de-duplicated by id across pages (a record that moves
    between pages while we read must not be counted twice).
    """
    seen: set[str] = set()
    page, total_pages = 0, None
    while total_pages is None or page < total_pages:
        body = client.get(
            COMPLETIONS_PATH,
            params={
                "teamId": team_id,
                "startDate": iso_z(window.start),
                "endDate": iso_z(window.end),
                "page": page,
                "size": page_size,
                "sort": "timestamp,asc",
            },
        )
        items = hal_items(body)
        if total_pages is None:
            total_pages = hal_total_pages(body) or (1 if items else 0)
        fresh = [r for r in items if r.get("id") not in seen]
        seen.update(r.get("id") for r in fresh)
        if fresh:
            yield fresh
        if not items:
            break
        page += 1


def cost_by_provider_items(client: VendorClient, window: Window) -> list[dict[str, Any]]:
    """All items of cost-by-provider-aggregated for the window (paged like the platform host)."""
    items: list[dict[str, Any]] = []
    page, total_pages = 0, None
    while total_pages is None or page < total_pages:
        body = client.get(
            COST_BY_PROVIDER_PATH,
            params={
                "startDate": iso_z(window.start),
                "endDate": iso_z(window.end),
                "page": page,
                "size": PAGE_SIZE,
            },
        )
        batch = hal_items(body)
        items.extend(batch)
        total_pages = hal_total_pages(body) or 1
        if not batch:
            break
        page += 1
    return items


def metric_result(item: Mapping[str, Any], label: str) -> float | None:
    """The numeric ``metricResult`` of the metric with ``label``; None when missing or not a number."""
    for metric in item.get("metrics") or []:
        if metric.get("label") == label:
            value = metric.get("metricResult")
            return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    return None


@dlt.source(name="revenium", max_table_nesting=0)
def revenium_source(
    window_start: datetime, window_end: datetime, settings: ReveniumSettings | None = None
) -> list[Any]:
    """Revenium for one window. Settings are read when the data is pulled, not when the source is built."""
    window = Window(window_start, window_end)

    def _settings() -> ReveniumSettings:
        return settings or ReveniumSettings.from_env()

    @dlt.resource(**windowed_merge_args(REVENIUM_COMPLETIONS))
    def completions() -> Iterator[pa.Table]:
        s = _settings()
        with VendorClient("revenium", s.base_url, {"x-api-key": s.api_key}) as client:
            for team_id in s.team_ids:
                for day in window.days():
                    for records in iter_completion_pages(client, team_id, day):
                        yield records_to_table(REVENIUM_COMPLETIONS, records, window, {"team_id": team_id})

    @dlt.resource(**windowed_merge_args(REVENIUM_COST_BY_PROVIDER))
    def analytics_cost_by_provider() -> Iterator[pa.Table]:
        s = _settings()
        # The analytics host resolves the team from the key; with several teams the figure is the account's.
        team_label = ",".join(s.team_ids)
        auth = {"Authorization": f"Bearer {s.api_key}"}
        with VendorClient("revenium-analytics", s.analytics_base_url, auth) as client:
            for day in window.days():
                items = cost_by_provider_items(client, day)
                rows = [
                    {"groupName": i.get("groupName"), "cost_usd": metric_result(i, "cost")} for i in items
                ]
                yield records_to_table(
                    REVENIUM_COST_BY_PROVIDER, rows, window, {"team_id": team_label}, day=day.start.date()
                )

    return [completions, analytics_cost_by_provider]
