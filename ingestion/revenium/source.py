"""Revenium: AI completion metrics (platform host) and Revenium's own cost figure (analytics host).

Platform reads take ``x-api-key`` and a ``teamId`` on every call and answer in Spring HAL pages whose size
the server caps at 100; the analytics host takes the same key as a Bearer token and resolves the team from
it. References: docs/vendor-apis/revenium.md §1–§2, §5.

Analytics endpoints (``AGGREGATED_ENDPOINTS``, ``TIMESERIES_ENDPOINTS``) are asked once per UTC day (about
40 requests a day) and land as the vendor's own figures, one row per (endpoint, group, metric[, bucket]);
a metric whose ``metricResult`` is missing, null or not a number is skipped, never landed as 0 (§5.3).
Endpoints that take a parameter are asked with a fixed value and landed under ``name?query`` [I]:
``top-movers?groupBy=model`` and ``?groupBy=agent`` (the day against the day before;
``currentValue``/``previousValue``/``trend`` get their own columns) and ``tokens-per-minute?tokenType=TOTAL``.
What each figure means in the simulator: ``simulator/revenium_analytics.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import dlt
import pyarrow as pa

from ingestion.arrow_pages import records_to_table
from ingestion.config import ReveniumSettings
from ingestion.dlt_resources import windowed_resource
from ingestion.http_client import VendorClient
from ingestion.raw_tables import (
    REVENIUM_AI_METRICS,
    REVENIUM_ANALYTICS_AGGREGATED,
    REVENIUM_ANALYTICS_JOBS_ROI,
    REVENIUM_ANALYTICS_TIMESERIES,
    REVENIUM_ANALYTICS_TRACE_COSTS,
    REVENIUM_AUDIO,
    REVENIUM_COMPLETIONS,
    REVENIUM_COST_BY_PROVIDER,
    REVENIUM_IMAGES,
    REVENIUM_JOB_FUNNEL,
    REVENIUM_JOB_OUTCOME_HISTORY,
    REVENIUM_JOB_ROI,
    REVENIUM_JOB_TRANSACTIONS,
    REVENIUM_JOB_TYPES,
    REVENIUM_JOBS,
    REVENIUM_SQUAD_ENTITIES,
    REVENIUM_SQUAD_EXECUTIONS,
    REVENIUM_SQUAD_TIMELINE,
    REVENIUM_TOOL_EVENTS,
    REVENIUM_TRACES,
    REVENIUM_VIDEO,
    RawTable,
)
from ingestion.revenium import agentic
from ingestion.revenium.pacing import PacedClient
from ingestion.revenium.paged_tables import iter_page_tables
from ingestion.revenium.paging import PAGE_SIZE, hal_items, hal_total_pages, items_under, iter_pages
from ingestion.windows import Window, iso_z

COMPLETIONS_PATH = "/profitstream/v2/api/sources/metrics/ai/completions"
COST_BY_PROVIDER_PATH = "/api/v2/analytics/cost-by-provider-aggregated"


def page_concurrency() -> int:
    """Completions pages requested at once once the total is known (``REVENIUM_PAGE_CONCURRENCY``,
    default 4): overlaps the vendor's serving time with ours; the pacer still caps the request rate."""
    return max(1, int(os.environ.get("REVENIUM_PAGE_CONCURRENCY", "4")))


def batch_rows() -> int:
    """Records projected to Arrow and handed to dlt at once (``REVENIUM_BATCH_ROWS``, default 20,000):
    one large Arrow table costs far less per row, in projection and in dlt, than a hundred small ones."""
    return max(1, int(os.environ.get("REVENIUM_BATCH_ROWS", "20000")))


def completion_params(team_id: str, window: Window) -> dict[str, Any]:
    """The completions list's query for one team and window, oldest first."""
    return {
        "teamId": team_id,
        "startDate": iso_z(window.start),
        "endDate": iso_z(window.end),
        "sort": "timestamp,asc",
    }


def iter_completion_pages(
    client: VendorClient,
    team_id: str,
    window: Window,
    page_size: int = PAGE_SIZE,
    concurrency: int = 1,
) -> Iterator[list[dict[str, Any]]]:
    """Every page of completions for one team and window, oldest first (see ``paging.iter_pages``)."""
    params = completion_params(team_id, window)
    yield from iter_pages(client, COMPLETIONS_PATH, params, page_size, concurrency=concurrency)


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


# Family-B endpoints landed in analytics_aggregated: every one a mart must agree with (cost-by-provider-
# aggregated has its own table). An endpoint asked with parameters is listed, and landed, with its query.
AGGREGATED_ENDPOINTS: tuple[str, ...] = (
    "cost-by-model-aggregated",
    "cost-by-agent-aggregated",
    "cost-by-organization-aggregated",
    "cost-by-product-aggregated",
    "cost-by-api-key-aggregated",
    "cost-by-user-aggregated",
    "cost-by-task-aggregated",
    "cost-by-tool-aggregated",
    "cost-by-tool-provider-aggregated",
    "cost-by-vendor",
    "revenue-per-customer",
    "revenue-per-product",
    "profit-margin-per-customer",
    "profit-margin-per-product",
    "tool-success-rate",
    "top-tools-by-call-count",
    "response-time-by-model",
    "response-time-by-vendor",
    "avg-time-by-agent",
    "tool-latency",
    "agent-tool-breakdown",
    "task-completion-aggregated",
    "task-performance-by-agent",
    "tasks-completed-by-agent",
    "top-movers?groupBy=model",
    "top-movers?groupBy=agent",
)
# Family-A endpoints landed in analytics_timeseries (hourly buckets for a day).
TIMESERIES_ENDPOINTS: tuple[str, ...] = (
    "cost-by-provider",
    "cost-by-model",
    "cost-by-agent",
    "cost-by-organization",
    "cost-by-product",
    "cost-by-api-key",
    "cost-by-task",
    "cost-by-team",
    "cost-by-tool",
    "cost-by-tool-provider",
    "tokens-per-minute?tokenType=TOTAL",
    "token-vs-tool-cost",
    "task-completion",
)


def endpoint_request(endpoint: str, window: Window) -> tuple[str, dict[str, Any]]:
    """The path and parameters of a listed endpoint (``name`` or ``name?key=value&...``) for a window."""
    name, _, query = endpoint.partition("?")
    params = {"startDate": iso_z(window.start), "endDate": iso_z(window.end), **dict(parse_qsl(query))}
    return f"/api/v2/analytics/{name}", params


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def metric_row(endpoint: str, group: Mapping[str, Any], metric: Mapping[str, Any]) -> dict[str, Any] | None:
    """One landed row for a metric, or None when its ``metricResult`` is missing, null or not a number
    (docs/vendor-apis/revenium.md §5.3: skipped, never 0). top-movers' ``currentValue``/``previousValue`` land as NULL
    when they are not numbers."""
    if _number(metric.get("metricResult")) is None:
        return None
    row = {"endpoint": endpoint, "groupName": group.get("groupName"), **metric}
    for key in ("currentValue", "previousValue"):
        if key in row:
            row[key] = _number(row[key])
    return row


def paged_items(client: VendorClient, endpoint: str, window: Window) -> list[dict[str, Any]]:
    """Every item of a paged analytics endpoint (as listed in AGGREGATED_ENDPOINTS) for the window."""
    path, params = endpoint_request(endpoint, window)
    return [item for page in iter_pages(client, path, params, id_field=None) for item in page]


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

    @windowed_resource(REVENIUM_COMPLETIONS, window, parallelized=True)
    def completions() -> Iterator[pa.Table]:
        s = _settings()
        with PacedClient("revenium", s.base_url, {"x-api-key": s.api_key}) as client:
            for team_id in s.team_ids:
                for day in window.days():
                    yield from iter_page_tables(
                        client,
                        COMPLETIONS_PATH,
                        completion_params(team_id, day),
                        REVENIUM_COMPLETIONS,
                        window,
                        {"team_id": team_id},
                        concurrency=page_concurrency(),
                        batch_pages=max(1, batch_rows() // PAGE_SIZE),
                    )

    @windowed_resource(REVENIUM_COST_BY_PROVIDER, window, parallelized=True)
    def analytics_cost_by_provider() -> Iterator[pa.Table]:
        s = _settings()
        # The analytics host resolves the team from the key; with several teams the figure is the account's.
        team_label = ",".join(s.team_ids)
        auth = {"Authorization": f"Bearer {s.api_key}"}
        with PacedClient("revenium-analytics", s.analytics_base_url, auth) as client:
            for day in window.days():
                items = cost_by_provider_items(client, day)
                rows = [
                    {"groupName": i.get("groupName"), "cost_usd": metric_result(i, "cost")} for i in items
                ]
                yield records_to_table(
                    REVENIUM_COST_BY_PROVIDER, rows, window, {"team_id": team_label}, day=day.start.date()
                )

    def _platform(s: ReveniumSettings) -> VendorClient:
        return PacedClient("revenium", s.base_url, {"x-api-key": s.api_key})

    def _per_team_day(table: RawTable, fetch: Any) -> Iterator[pa.Table]:
        """Pages of ``fetch(client, team_id, day)`` for every team and day, as ``table``."""
        s = _settings()
        empty = True
        with _platform(s) as client:
            for team_id in s.team_ids:
                for day in window.days():
                    for records in fetch(client, team_id, day):
                        empty = False
                        yield records_to_table(table, records, window, {"team_id": team_id})
        if empty:  # no rows at all: still declare the table, so that staging can read it
            yield records_to_table(table, [], window, {"team_id": ""})

    @windowed_resource(REVENIUM_TRACES, window, parallelized=True)
    def traces() -> Iterator[pa.Table]:
        yield from _per_team_day(REVENIUM_TRACES, agentic.traces)

    @windowed_resource(REVENIUM_TOOL_EVENTS, window, parallelized=True)
    def tool_events() -> Iterator[pa.Table]:
        yield from _per_team_day(REVENIUM_TOOL_EVENTS, agentic.tool_events)

    def _squad_runs(client: VendorClient, team_id: str) -> list[dict[str, Any]]:
        period = agentic.squad_period(window, datetime.now(UTC))
        return agentic.squad_executions(client, team_id, window, period)

    @windowed_resource(REVENIUM_SQUAD_EXECUTIONS, window, parallelized=True)
    def squad_executions() -> Iterator[pa.Table]:
        yield from _per_team_day(
            REVENIUM_SQUAD_EXECUTIONS, lambda c, t, d: [_squad_runs(c, t)] if d == first_day else []
        )

    @windowed_resource(REVENIUM_SQUAD_TIMELINE, window, parallelized=True)
    def squad_timeline_events() -> Iterator[pa.Table]:
        def fetch(client: VendorClient, team_id: str, day: Window) -> Iterator[list[dict[str, Any]]]:
            if day != first_day:
                return
            for run in _squad_runs(client, team_id):
                yield agentic.squad_timeline(client, team_id, run["id"])

        yield from _per_team_day(REVENIUM_SQUAD_TIMELINE, fetch)

    @windowed_resource(REVENIUM_SQUAD_ENTITIES, window, parallelized=True)
    def squad_entities() -> Iterator[pa.Table]:
        s = _settings()
        period = agentic.squad_period(window, datetime.now(UTC))
        with _platform(s) as client:
            for team_id in s.team_ids:
                records = agentic.squad_entities(client, team_id, period)
                for day in window.days():
                    yield records_to_table(
                        REVENIUM_SQUAD_ENTITIES, records, window, {"team_id": team_id}, day=day.start.date()
                    )

    @windowed_resource(REVENIUM_JOBS, window, parallelized=True)
    def jobs() -> Iterator[pa.Table]:
        yield from _per_team_day(REVENIUM_JOBS, agentic.jobs)

    def _detailed_jobs(client: VendorClient, team_id: str, day: Window) -> list[str]:
        """The agenticJobIds of the day's jobs the source details (the first ``limit`` created)."""
        limit = agentic.job_detail_limit()
        out: list[str] = []
        for page in agentic.jobs(client, team_id, day):
            out += [j["agenticJobId"] for j in page]
            if 0 <= limit <= len(out):
                return out[:limit]
        return out

    def _job_details(table: RawTable, fetch: Any) -> Iterator[pa.Table]:
        s = _settings()
        with _platform(s) as client:
            for team_id in s.team_ids:
                for day in window.days():
                    records: list[dict[str, Any]] = []
                    for job_id in _detailed_jobs(client, team_id, day):
                        records += fetch(client, team_id, job_id)
                    yield records_to_table(table, records, window, {"team_id": team_id}, day=day.start.date())

    @windowed_resource(REVENIUM_JOB_ROI, window, parallelized=True)
    def job_roi() -> Iterator[pa.Table]:
        yield from _job_details(REVENIUM_JOB_ROI, lambda c, t, j: [agentic.job_roi(c, t, j)])

    @windowed_resource(REVENIUM_JOB_TRANSACTIONS, window, parallelized=True)
    def job_transactions() -> Iterator[pa.Table]:
        yield from _job_details(REVENIUM_JOB_TRANSACTIONS, agentic.job_transactions)

    @windowed_resource(REVENIUM_JOB_OUTCOME_HISTORY, window, parallelized=True)
    def job_outcome_history() -> Iterator[pa.Table]:
        yield from _job_details(REVENIUM_JOB_OUTCOME_HISTORY, agentic.job_outcome_history)

    @windowed_resource(REVENIUM_JOB_TYPES, window, parallelized=True)
    def job_types() -> Iterator[pa.Table]:
        s = _settings()
        with _platform(s) as client:
            for team_id in s.team_ids:
                records = [{"job_type": t} for t in agentic.job_types(client, team_id)]
                for day in window.days():
                    yield records_to_table(
                        REVENIUM_JOB_TYPES, records, window, {"team_id": team_id}, day=day.start.date()
                    )

    @windowed_resource(REVENIUM_JOB_FUNNEL, window, parallelized=True)
    def job_conversion_funnel() -> Iterator[pa.Table]:
        s = _settings()
        with _platform(s) as client:
            for team_id in s.team_ids:
                for day in window.days():
                    record = agentic.conversion_funnel(client, team_id, day)
                    yield records_to_table(
                        REVENIUM_JOB_FUNNEL, [record], window, {"team_id": team_id}, day=day.start.date()
                    )

    @windowed_resource(REVENIUM_AI_METRICS, window, parallelized=True)
    def ai_metrics() -> Iterator[pa.Table]:
        yield from _per_team_day(REVENIUM_AI_METRICS, agentic.ai_metrics)

    @windowed_resource(REVENIUM_AUDIO, window, parallelized=True)
    def audio_metrics() -> Iterator[pa.Table]:
        yield from _per_team_day(REVENIUM_AUDIO, agentic.media_metrics(agentic.MEDIA_PATHS["audio"]))

    @windowed_resource(REVENIUM_IMAGES, window, parallelized=True)
    def image_metrics() -> Iterator[pa.Table]:
        yield from _per_team_day(REVENIUM_IMAGES, agentic.media_metrics(agentic.MEDIA_PATHS["images"]))

    @windowed_resource(REVENIUM_VIDEO, window, parallelized=True)
    def video_metrics() -> Iterator[pa.Table]:
        yield from _per_team_day(REVENIUM_VIDEO, agentic.media_metrics(agentic.MEDIA_PATHS["video"]))

    def _analytics(s: ReveniumSettings) -> PacedClient:
        return PacedClient(
            "revenium-analytics", s.analytics_base_url, {"Authorization": f"Bearer {s.api_key}"}
        )

    @windowed_resource(REVENIUM_ANALYTICS_AGGREGATED, window, parallelized=True)
    def analytics_aggregated() -> Iterator[pa.Table]:
        s = _settings()
        team_label = ",".join(s.team_ids)
        with _analytics(s) as client:
            for day in window.days():
                rows: list[dict[str, Any]] = []
                for endpoint in AGGREGATED_ENDPOINTS:
                    for item in paged_items(client, endpoint, day):
                        for metric in item.get("metrics") or []:
                            if (row := metric_row(endpoint, item, metric)) is not None:
                                rows.append(row)
                yield records_to_table(
                    REVENIUM_ANALYTICS_AGGREGATED, rows, window, {"team_id": team_label}, day=day.start.date()
                )

    @windowed_resource(REVENIUM_ANALYTICS_TIMESERIES, window, parallelized=True)
    def analytics_timeseries() -> Iterator[pa.Table]:
        s = _settings()
        team_label = ",".join(s.team_ids)
        with _analytics(s) as client:
            for day in window.days():
                rows: list[dict[str, Any]] = []
                for endpoint in TIMESERIES_ENDPOINTS:
                    path, params = endpoint_request(endpoint, day)
                    for bucket in hal_items(client.get(path, params=params)):
                        bounds = {k: bucket.get(k) for k in ("startTimestamp", "endTimestamp")}
                        for group in bucket.get("groups") or []:
                            for metric in group.get("metrics") or []:
                                if (row := metric_row(endpoint, group, metric)) is not None:
                                    rows.append({**row, **bounds})
                yield records_to_table(REVENIUM_ANALYTICS_TIMESERIES, rows, window, {"team_id": team_label})

    def _analytics_per_day(table: RawTable, path: str, list_key: str) -> Iterator[pa.Table]:
        """One analytics request per day; its records sit under ``list_key`` of the response."""
        s = _settings()
        team_label = ",".join(s.team_ids)
        with _analytics(s) as client:
            for day in window.days():
                body = client.get(path, params={"startDate": iso_z(day.start), "endDate": iso_z(day.end)})
                rows = items_under(body, list_key)
                yield records_to_table(table, rows, window, {"team_id": team_label}, day=day.start.date())

    @windowed_resource(REVENIUM_ANALYTICS_TRACE_COSTS, window, parallelized=True)
    def analytics_trace_cost_distribution() -> Iterator[pa.Table]:
        yield from _analytics_per_day(
            REVENIUM_ANALYTICS_TRACE_COSTS, "/api/v2/analytics/trace-cost-distribution", "dataPoints"
        )

    @windowed_resource(REVENIUM_ANALYTICS_JOBS_ROI, window, parallelized=True)
    def analytics_jobs_roi_summary() -> Iterator[pa.Table]:
        yield from _analytics_per_day(
            REVENIUM_ANALYTICS_JOBS_ROI, "/api/v2/analytics/jobs/roi-summary", "byJobType"
        )

    first_day = next(window.days())
    return [
        completions,
        analytics_cost_by_provider,
        traces,
        tool_events,
        squad_executions,
        squad_timeline_events,
        squad_entities,
        jobs,
        job_roi,
        job_transactions,
        job_outcome_history,
        job_types,
        job_conversion_funnel,
        ai_metrics,
        audio_metrics,
        image_metrics,
        video_metrics,
        analytics_timeseries,
        analytics_aggregated,
        analytics_trace_cost_distribution,
        analytics_jobs_roi_summary,
    ]
