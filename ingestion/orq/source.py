"""orq.ai: hourly reporting buckets and orq's own cost figure, from ``POST /v2/reporting``.

The reporting API truncates at ``limit`` (capped at 5000) and says ``has_more: false`` regardless, with no
cursor. So a response that comes back full is treated as possibly cut: the window is halved (on hour
boundaries) and both halves are asked again, until no response is full. Metric maps are open: every key
the server returns is landed as its own row. Reference: helicone-orq.md §B.1.

Traces and spans (§B.2): ``POST /v3/traces/search`` lists the traces that start in each day (oldest first,
``page_token`` paging, 1000 a page), then ``GET /v3/traces/{trace_id}/spans`` is asked once per trace
(also paged by ``page_token``). That is N+1 requests a day — one per trace — which is the API's only way
to spans; they are asked ``ORQ_SPAN_WORKERS`` (default 4) at a time, by one pool kept for the walk, with the
next page of traces listed while the spans of the last one are fetched (``SpanFetcher``). Spans are dated by their own start, and a trace never crosses a UTC day in practice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa

from ingestion.core.arrow_pages import records_to_table
from ingestion.core.dlt_resources import windowed_resource
from ingestion.core.http_client import SettingNames, VendorClient, path_segment
from ingestion.core.increments import Increments, pull_window
from ingestion.core.paging import PageWalk, Progress
from ingestion.core.windows import Window, iso_z
from ingestion.orq import settings as orq_settings
from ingestion.orq.raw_tables import ORQ_COST_TOTALS, ORQ_REPORTING_BUCKETS, ORQ_SPANS, ORQ_TRACES
from ingestion.orq.settings import OrqSettings

REPORTING_PATH = "/v2/reporting"
TRACES_SEARCH_PATH = "/v3/traces/search"
TRACE_PAGE_LIMIT = 1000
# What an operator checks when calls fail (as ingestion/orq/__init__.py's VENDOR lists them).
SETTINGS = SettingNames(api_key="ORQ_API_KEY", base_url="ORQ_BASE_URL")
MAX_LIMIT = 5000
BUCKET_METRICS = (
    "genai.requests",
    "genai.errors",
    "genai.tokens",
    "genai.cost",
    "genai.latency.p50",
    "genai.latency.p95",
    "genai.latency.p99",
    "genai.ttft.avg",
    "genai.ttft.p50",
    "genai.ttft.p95",
)
GROUP_BY = ("project", "provider", "model", "agent", "identity")
HOUR = timedelta(hours=1)
log = logging.getLogger(__name__)

# dlt's config section of the source and its resources: "orq", as when the source was ingestion/orq.py.
SECTION = "orq"


class TruncatedReportError(RuntimeError):
    pass


def _metrics() -> tuple[str, ...]:
    configured = orq_settings.REPORTING_METRICS.read()
    return tuple(configured) if configured else BUCKET_METRICS


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
        raise ValueError(f"orq {REPORTING_PATH}: unexpected response shape: {str(response)[:200]}")
    return response


def complete_buckets(client: VendorClient, metric: str, window: Window, limit: int = MAX_LIMIT) -> list[dict]:
    """Every bucket of ``metric`` in ``window``, splitting the window while responses come back full."""
    response = query(client, metric, window, limit)
    if len(response["data"]) < limit:
        meta = response.get("meta")
        grain = meta.get("effective_grain") if isinstance(meta, Mapping) else None
        return [
            {**point, "_grain": grain}
            if isinstance(point, Mapping)
            else {"metrics": [point], "_grain": grain}
            for point in response["data"]
        ]
    halves = window.halves(HOUR)
    if halves is None:
        raise TruncatedReportError(
            f"orq reporting: {metric} for the single hour {iso_z(window.start)} returned {limit} rows, the "
            "server's cap; it cannot be split further, so buckets may be missing"
        )
    return [b for half in halves for b in complete_buckets(client, metric, half, limit)]


def hour_floor(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(minute=0, second=0, microsecond=0)


def to_long_rows(metric: str, buckets: list[dict]) -> list[dict[str, Any]]:
    """A row per metric of each bucket. A bucket whose ``metrics`` is not an object becomes one row without
    a ``metric_key``, which quarantines it (``missing_key``) instead of failing the load or vanishing."""
    rows = []
    for bucket in buckets:
        metrics = bucket.get("metrics")
        base = {
            "requested_metric": metric,
            "grain": bucket.get("_grain"),
            "timestamp": bucket.get("timestamp"),
            "dimensions": bucket.get("dimensions") or {},
        }
        if metrics is not None and not isinstance(metrics, Mapping):
            rows.append({**base, "metric_key": None, "metric_value": None, "metrics": metrics})
            continue
        for key, value in (metrics or {}).items():
            rows.append({**base, "metric_key": key, "metric_value": value})
    return rows


def _token_pages(
    path: str, fetch: Callable[[str | None], Any], walk: PageWalk, id_field: str
) -> Iterator[list[Any]]:
    """orq's token paging: the ``data`` of each response, asking again with ``next_page_token`` while
    ``has_more`` says so (``fetch(token)`` makes the request; ``walk`` guards against a page or token that
    repeats)."""
    token: str | None = None
    while True:
        response = fetch(token)
        if not isinstance(response, dict) or not isinstance(response.get("data"), list):
            raise ValueError(f"orq {path}: unexpected response shape: {str(response)[:200]}")
        page = response["data"]
        walk.page(
            len(page),
            ids=[r.get(id_field) if isinstance(r, dict) else None for r in page],
            body=page,
            at=f"page_token {token}" if token else "the first page",
            cursor=token,
        )
        yield page
        token = response.get("next_page_token")
        if not response.get("has_more") or not token:
            return


def iter_trace_pages(
    client: VendorClient, window: Window, limit: int = TRACE_PAGE_LIMIT
) -> Iterator[list[dict]]:
    """TraceSummary pages of the traces starting in ``window``, oldest first, following ``next_page_token``."""

    def fetch(token: str | None) -> Any:
        body: dict[str, Any] = {
            "from": iso_z(window.start),
            "to": iso_z(window.end),
            "sort": [{"field": "started_at", "order": "asc"}],
            "limit": limit,
        }
        if token:
            body["page_token"] = token
        return client.post(TRACES_SEARCH_PATH, body)

    walk = PageWalk(client, TRACES_SEARCH_PATH, f"day {window.start.date().isoformat()}")
    for page in _token_pages(TRACES_SEARCH_PATH, fetch, walk, "trace_id"):
        if page:
            yield page


def trace_spans(client: VendorClient, trace_id: str, limit: int = TRACE_PAGE_LIMIT) -> list[dict]:
    """Every SpanSummary of one trace, following ``next_page_token``."""
    path = f"/v3/traces/{path_segment(trace_id)}/spans"

    def fetch(token: str | None) -> Any:
        params: dict[str, Any] = {"limit": limit}
        if token:
            params["page_token"] = token
        return client.get(path, params)

    return [span for page in _token_pages(path, fetch, PageWalk(client, path), "span_id") for span in page]


def trace_starts(page: list[Any]) -> dict[str, Any]:
    """``started_at`` by ``trace_id`` of the traces on a page: what dates their spans (a span carries its
    trace's id). ``trace_id`` is optional in orq's schema: a trace without one (or with one that is not a
    string) has no entry — its row is quarantined by the traces resource (``missing_key``)."""
    started: dict[str, Any] = {}
    for trace in page:
        trace_id = trace.get("trace_id") if isinstance(trace, Mapping) else None
        if isinstance(trace_id, str):
            started[trace_id] = trace.get("started_at")
    return started


def askable_trace_ids(started: Mapping[str, Any], listed: int) -> list[str]:
    """The trace ids whose spans can be asked for: an empty id names no ``/v3/traces/{id}/spans``. The
    traces that cannot be asked (no id, an empty one; ``listed`` traces on the page) are counted in a warning:
    their spans are not loaded (a span that names such a trace on another trace's list is still dated by it)."""
    asked = [trace_id for trace_id in started if trace_id]
    if skipped := listed - len(asked):
        log.warning(
            "orq spans: %d trace(s) without a trace_id, or with an empty one: their spans skipped", skipped
        )
    return asked


def _span_workers() -> int:
    return orq_settings.SPAN_WORKERS.read()


class SpanFetcher:
    """Asks for the spans of traces ``workers`` at a time, with one pool of threads (and one client per
    thread: a requests session is not shared across threads) kept for a whole walk: a page of traces is
    submitted while the previous one is still being fetched, so the workers do not wait at each page's end
    nor while the next page of traces is listed. Closing cancels what was not started."""

    def __init__(self, make_client: Callable[[], VendorClient], workers: int) -> None:
        self._make_client = make_client
        self._local = threading.local()
        self._clients: list[VendorClient] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="orq-spans")

    def _spans(self, trace_id: str) -> list[dict]:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._make_client()
            with self._lock:
                self._clients.append(client)
        return trace_spans(client, trace_id)

    def submit(self, trace_ids: list[str]) -> list[Future[list[dict]]]:
        """One future per trace, in the order of ``trace_ids``."""
        return [self._pool.submit(self._spans, trace_id) for trace_id in trace_ids]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for client in self._clients:
            client.close()

    def __enter__(self) -> SpanFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def spans_of_traces(
    make_client: Callable[[], VendorClient], trace_ids: list[str], workers: int | None = None
) -> list[dict]:
    """The spans of every trace, in the order of ``trace_ids``, asked ``workers`` at a time."""
    with SpanFetcher(make_client, workers or _span_workers()) as fetcher:
        return [span for future in fetcher.submit(trace_ids) for span in future.result()]


@dlt.source(name="orq", section=SECTION, max_table_nesting=0)
def orq_source(
    window_start: datetime,
    window_end: datetime,
    settings: OrqSettings | None = None,
    limit: int = MAX_LIMIT,
    increments: Increments | None = None,
) -> list[Any]:
    """orq.ai for one window; the tables named in ``increments`` are pulled from their ``since`` on
    (``ingestion.core.increments``): the hours since then, the traces started since then and their spans."""
    window = Window(window_start, window_end)
    # an hour's bucket is asked whole: the increment starts at the hour of its start
    buckets_since = hour_floor((increments or {}).get(ORQ_REPORTING_BUCKETS.name))
    traces_since = (increments or {}).get(ORQ_TRACES.name)
    spans_since = (increments or {}).get(ORQ_SPANS.name)

    def _client(progress: Progress | None = None) -> VendorClient:
        s = settings or OrqSettings.from_env()
        auth = {"Authorization": f"Bearer {s.api_key}"}
        return VendorClient("orq", s.base_url, auth, settings=SETTINGS, progress=progress)

    @windowed_resource(ORQ_REPORTING_BUCKETS, window, buckets_since, section=SECTION)
    def reporting_buckets() -> Iterator[pa.Table]:
        with _client() as client:
            for day in pull_window(window, buckets_since).days():
                for metric in _metrics():
                    rows = to_long_rows(metric, complete_buckets(client, metric, day, limit))
                    yield records_to_table(ORQ_REPORTING_BUCKETS, rows, window)

    @windowed_resource(ORQ_COST_TOTALS, window, section=SECTION)
    def reporting_cost_totals() -> Iterator[pa.Table]:
        with _client() as client:
            for day in window.days():
                response = query(client, "genai.cost", day, 1, grain="day", group_by=[], include_totals=True)
                value = ((response.get("totals") or {}).get("metrics") or {}).get("genai.cost")
                cost = float(value) if isinstance(value, int | float) else None
                yield records_to_table(ORQ_COST_TOTALS, [{"cost_usd": cost}], window, day=day.start.date())

    @windowed_resource(ORQ_TRACES, window, traces_since, section=SECTION)
    def traces() -> Iterator[pa.Table]:
        with _client(Progress("orq", "traces")) as client:
            for day in pull_window(window, traces_since).days():
                for page in iter_trace_pages(client, day):
                    yield records_to_table(ORQ_TRACES, page, window)

    @windowed_resource(ORQ_SPANS, window, spans_since, section=SECTION)
    def spans() -> Iterator[pa.Table]:
        progress = Progress("orq", "spans")  # the span pages of every trace (the trace pages are not counted)

        def table(started: dict[str, Any], asked: list[Future[list[dict]]]) -> pa.Table | None:
            rows = [
                {**span, "trace_started_at": started.get(span.get("trace_id"))}
                for future in asked
                for span in future.result()
            ]
            return records_to_table(ORQ_SPANS, rows, window) if rows else None

        with _client() as client, SpanFetcher(lambda: _client(progress), _span_workers()) as fetcher:
            # A page of traces is submitted, then the previous page's spans are collected: two pages in flight.
            previous: tuple[dict[str, Any], list[Future[list[dict]]]] | None = None
            for day in pull_window(window, spans_since).days():
                for page in iter_trace_pages(client, day):
                    started = trace_starts(page)
                    current = (started, fetcher.submit(askable_trace_ids(started, len(page))))
                    if previous is not None and (done := table(*previous)) is not None:
                        yield done
                    previous = current
            if previous is not None and (done := table(*previous)) is not None:
                yield done
        progress.finish()

    return [reporting_buckets, reporting_cost_totals, traces, spans]
