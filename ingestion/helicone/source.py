"""Helicone: per-request logs (query-clickhouse) and Helicone's own cost figure.

Helicone has no time-range parameter: the window goes inside the filter tree. Pages are taken by offset,
1000 rows at most (more is an HTTP 500 with ``{"data": null, "error": "invalid limit"}``), until a page
comes back empty — a short page is not the end, because Helicone de-duplicates rows after the limit is
applied. Rows repeated across pages are handed on: the resource keeps the first version of each
``request_id``, drops an identical repeat and quarantines one with other content (``FirstByKey``).
``HELICONE_PAGE_CONCURRENCY`` (default 4) request pages are asked at a time, by offset, ahead of the
reader. Reference: helicone-orq.md §A.

Sessions (``POST /v1/session/query``, §A.3) are asked per UTC day (``timeFilter`` in epoch ms), 1000 a page
by offset until a short page (a GROUP BY with LIMIT/OFFSET has no post-limit de-duplication), repeats
decided by session id as for requests; each row aggregates the session's requests of that day. User metrics
(``POST /v1/user/metrics/query``, §A.2) are asked per UTC day (``timeFilter`` in epoch seconds), sorted by
user id, 1000 a page, until ``count`` users are read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import dlt
import pyarrow as pa

from ingestion.core.arrow_pages import records_to_table
from ingestion.core.dlt_resources import windowed_resource
from ingestion.core.http_client import SettingNames, VendorClient
from ingestion.core.increments import Increments, pull_window
from ingestion.core.paging import PageWalk, Progress, fresh_records, prefetched
from ingestion.core.windows import Window, iso_z
from ingestion.helicone import settings as helicone_settings
from ingestion.helicone.raw_tables import (
    HELICONE_COST_TOTALS,
    HELICONE_REQUESTS,
    HELICONE_SESSIONS,
    HELICONE_USER_METRICS,
)
from ingestion.helicone.settings import HeliconeSettings

QUERY_PATH = "/v1/request/query-clickhouse"
TOTAL_COST_PATH = "/v1/metrics/totalCost"
SESSION_QUERY_PATH = "/v1/session/query"
USER_METRICS_PATH = "/v1/user/metrics/query"
PAGE_LIMIT = 1000
# What an operator checks when calls fail (as ingestion/helicone/__init__.py's VENDOR lists them).
SETTINGS = SettingNames(api_key="HELICONE_API_KEY", base_url="HELICONE_BASE_URL")

# dlt's config section of the source and its resources: "helicone", as when the source was ingestion/helicone.py.
SECTION = "helicone"


class HeliconeError(RuntimeError):
    pass


def window_filter(window: Window) -> dict[str, Any]:
    """``request_created_at`` in [start, end) as a Helicone filter tree."""
    return {
        "left": {"request_response_rmt": {"request_created_at": {"gte": iso_z(window.start)}}},
        "operator": "and",
        "right": {"request_response_rmt": {"request_created_at": {"lt": iso_z(window.end)}}},
    }


def unwrap(body: Any, path: str = "") -> Any:
    """The ``data`` of Helicone's ``{data, error}`` envelope from ``path``; an ``error`` raises, naming the
    endpoint — any error that is not null, an empty text too (the error branch of Helicone's Result type
    carries ``data: null``, which would otherwise read as an empty page and end a walk early)."""
    where = f"helicone {path}: " if path else ""
    if not isinstance(body, dict) or "data" not in body:
        raise HeliconeError(f"{where}unexpected response shape: {str(body)[:200]}")
    if body.get("error") is not None:
        raise HeliconeError(f"{where}Helicone error: {str(body['error'])[:200] or '(empty error text)'}")
    return body["data"]


def _ids(records: list[Any], field: str) -> list[Any]:
    """The ids of a page's records (None for an item that is not an object: the projection quarantines it)."""
    return [r.get(field) if isinstance(r, dict) else None for r in records]


def _day(window: Window) -> str:
    return f"day {window.start.date().isoformat()}"


def iter_request_pages(
    client: VendorClient, window: Window, limit: int = PAGE_LIMIT, concurrency: int = 1
) -> Iterator[list[dict]]:
    """The window's requests, oldest first, a page at a time. The query has no total, so with
    ``concurrency > 1`` the next pages are asked ahead by offset; the walk still ends at the first empty
    page, and the pages asked past it are dropped (a few requests wasted, once per day)."""
    seen: set[str] = set()
    walk = PageWalk(client, QUERY_PATH, _day(window))

    def fetch(offset: int) -> Any:
        body = {
            "filter": window_filter(window),
            "offset": offset,
            "limit": limit,
            "sort": {"created_at": "asc"},
        }
        return client.post(QUERY_PATH, body)

    pages = prefetched(fetch, itertools.count(0, limit), concurrency)
    try:
        for offset, body in zip(itertools.count(0, limit), pages):
            rows = unwrap(body, QUERY_PATH)
            if not rows:
                return
            ids = _ids(rows, "request_id")
            walk.page(len(rows), ids=ids, body=rows, at=f"offset {offset}", cursor=offset)
            fresh = fresh_records(rows, "request_id", seen)  # repeats too: FirstByKey decides on them
            if fresh:
                yield fresh
    finally:
        pages.close()


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def iter_session_pages(client: VendorClient, window: Window, limit: int = PAGE_LIMIT) -> Iterator[list[dict]]:
    """Sessions with requests in ``window`` (aggregated over those requests)."""
    seen: set[str] = set()
    offset = 0
    walk = PageWalk(client, SESSION_QUERY_PATH, _day(window))
    while True:
        rows = unwrap(
            client.post(
                SESSION_QUERY_PATH,
                {
                    "search": "",
                    "timeFilter": {"startTimeUnixMs": _ms(window.start), "endTimeUnixMs": _ms(window.end)},
                    "timezoneDifference": 0,
                    "filter": "all",
                    "offset": offset,
                    "limit": limit,
                },
            ),
            SESSION_QUERY_PATH,
        )
        if not isinstance(rows, list):
            raise HeliconeError(f"helicone {SESSION_QUERY_PATH}: expected a list, got {str(rows)[:200]}")
        ids = _ids(rows, "session_id")
        walk.page(len(rows), ids=ids, body=rows, at=f"offset {offset}", cursor=offset)
        fresh = fresh_records(rows, "session_id", seen)
        if fresh:
            yield fresh
        if len(rows) < limit:
            return
        offset += limit


def iter_user_metric_pages(
    client: VendorClient, window: Window, limit: int = PAGE_LIMIT
) -> Iterator[list[dict]]:
    """Per-user metrics over ``window``, by user id, until the ``count`` the server reports is read."""
    seen: set[str] = set()
    offset = 0
    walk = PageWalk(client, USER_METRICS_PATH, _day(window))
    while True:
        data = unwrap(
            client.post(
                USER_METRICS_PATH,
                {
                    "filter": "all",
                    "offset": offset,
                    "limit": limit,
                    "timeFilter": {
                        "startTimeUnixSeconds": _ms(window.start) // 1000,
                        "endTimeUnixSeconds": _ms(window.end) // 1000,
                    },
                    "sort": {"user_id": "asc"},
                },
            ),
            USER_METRICS_PATH,
        )
        if not isinstance(data, dict) or not isinstance(data.get("users"), list):
            raise HeliconeError(f"helicone {USER_METRICS_PATH}: unexpected data: {str(data)[:200]}")
        users = data["users"]
        ids = _ids(users, "user_id")
        walk.page(len(users), ids=ids, body=users, at=f"offset {offset}", cursor=offset)
        fresh = fresh_records(users, "user_id", seen)
        if fresh:
            yield fresh
        offset += limit
        if not users or offset >= int(data.get("count") or 0):
            return


@dlt.source(name="helicone", section=SECTION, max_table_nesting=0)
def helicone_source(
    window_start: datetime,
    window_end: datetime,
    settings: HeliconeSettings | None = None,
    increments: Increments | None = None,
) -> list[Any]:
    """Helicone for one window; the tables named in ``increments`` are pulled from their ``since`` on
    (``ingestion.core.increments``)."""
    window = Window(window_start, window_end)
    requests_since = (increments or {}).get(HELICONE_REQUESTS.name)

    def _client(resource: str) -> VendorClient:
        s = settings or HeliconeSettings.from_env()
        return VendorClient(
            "helicone",
            s.base_url,
            {"Authorization": f"Bearer {s.api_key}"},
            settings=SETTINGS,
            progress=Progress("helicone", resource),
        )

    @windowed_resource(HELICONE_REQUESTS, window, requests_since, section=SECTION)
    def requests() -> Iterator[pa.Table]:
        with _client("requests") as client:
            for day in pull_window(window, requests_since).days():
                for rows in iter_request_pages(
                    client, day, concurrency=helicone_settings.PAGE_CONCURRENCY.read()
                ):
                    yield records_to_table(HELICONE_REQUESTS, rows, window)

    @windowed_resource(HELICONE_COST_TOTALS, window, section=SECTION)
    def metrics_total_cost() -> Iterator[pa.Table]:
        with _client("metrics_total_cost") as client:
            for day in window.days():
                data = unwrap(
                    client.post(
                        TOTAL_COST_PATH,
                        {"filter": "all", "timeFilter": {"start": iso_z(day.start), "end": iso_z(day.end)}},
                    ),
                    TOTAL_COST_PATH,
                )
                cost = float(data) if isinstance(data, int | float) else None
                yield records_to_table(
                    HELICONE_COST_TOTALS, [{"cost_usd": cost}], window, day=day.start.date()
                )

    @windowed_resource(HELICONE_SESSIONS, window, section=SECTION)
    def sessions() -> Iterator[pa.Table]:
        with _client("sessions") as client:
            for day in window.days():
                for rows in iter_session_pages(client, day):
                    yield records_to_table(HELICONE_SESSIONS, rows, window)

    @windowed_resource(HELICONE_USER_METRICS, window, section=SECTION)
    def user_metrics() -> Iterator[pa.Table]:
        with _client("user_metrics") as client:
            for day in window.days():
                for rows in iter_user_metric_pages(client, day):
                    yield records_to_table(HELICONE_USER_METRICS, rows, window, day=day.start.date())

    return [requests, metrics_total_cost, sessions, user_metrics]
