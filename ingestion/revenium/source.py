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
What each figure means in the simulator: ``simulator/revenium/analytics.py``.

The source is declarative: ``RESOURCES`` lists every resource as its raw table, a reader (what one request
or walk returns) and a fan-out (over which teams and days the reader is asked, on which host, and under
which ``_day`` the records land); ``revenium_source`` turns each entry into a windowed dlt resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from ingestion.core.arrow_pages import records_to_table
from ingestion.core.dlt_resources import windowed_resource
from ingestion.core.http_client import SettingNames, VendorClient
from ingestion.core.increments import Increments, pull_window
from ingestion.core.paging import PageWalk, Progress
from ingestion.core.raw_table import RawTable
from ingestion.core.windows import Window, iso_z
from ingestion.revenium import agentic
from ingestion.revenium import settings as revenium_settings
from ingestion.revenium.pacing import PacedClient
from ingestion.revenium.paged_tables import iter_page_tables
from ingestion.revenium.paging import PAGE_SIZE, hal_items, hal_total_pages, items_under, iter_pages
from ingestion.revenium.raw_tables import (
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
)
from ingestion.revenium.settings import ReveniumSettings

COMPLETIONS_PATH = "/profitstream/v2/api/sources/metrics/ai/completions"
COST_BY_PROVIDER_PATH = "/api/v2/analytics/cost-by-provider-aggregated"
# What an operator checks when calls fail, per host (as ingestion/revenium/__init__.py's VENDOR lists them).
PLATFORM_SETTINGS = SettingNames(api_key="REVENIUM_API_KEY", base_url="REVENIUM_BASE_URL")
ANALYTICS_SETTINGS = SettingNames(api_key="REVENIUM_API_KEY", base_url="REVENIUM_ANALYTICS_BASE_URL")


def page_concurrency() -> int:
    """Pages of a paged list requested at once once the total is known (``REVENIUM_PAGE_CONCURRENCY``,
    default 4): overlaps the vendor's serving time with ours; the pacer still caps the request rate."""
    return revenium_settings.PAGE_CONCURRENCY.read()


def batch_rows() -> int:
    """Records projected to Arrow and handed to dlt at once (``REVENIUM_BATCH_ROWS``, default 20,000):
    one large Arrow table costs far less per row, in projection and in dlt, than a hundred small ones."""
    return revenium_settings.BATCH_ROWS.read()


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
    walk = PageWalk(client, COST_BY_PROVIDER_PATH, f"day {window.start.date().isoformat()}")
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
        walk.page(len(batch), body=batch, at=f"page {page}", cursor=page)
        items.extend(batch)
        total_pages = hal_total_pages(body) or 1
        walk.expect(total_pages)
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
    for metric in map(agentic.as_object, agentic.as_object(item).get("metrics") or []):
        if metric.get("label") == label:
            value = metric.get("metricResult")
            return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    return None


# -- the declarative source --------------------------------------------------------------------------------
Records = list[dict[str, Any]]


def _platform(s: ReveniumSettings, table: RawTable | None = None) -> PacedClient:
    progress = Progress("revenium", table.name) if table is not None else None
    auth = {"x-api-key": s.api_key}
    return PacedClient("revenium", s.base_url, auth, settings=PLATFORM_SETTINGS, progress=progress)


def _analytics(s: ReveniumSettings, table: RawTable | None = None) -> PacedClient:
    progress = Progress("revenium", table.name) if table is not None else None
    auth = {"Authorization": f"Bearer {s.api_key}"}
    return PacedClient(
        "revenium-analytics", s.analytics_base_url, auth, settings=ANALYTICS_SETTINGS, progress=progress
    )


def _team_label(s: ReveniumSettings) -> str:
    # The analytics host resolves the team from the key; with several teams the figure is the account's.
    return ",".join(s.team_ids)


# Fan-outs: over which teams and days a reader is asked, with which client, and under which ``_day`` its
# records land. Each takes (table, read, window, settings) and yields the table's Arrow pages.
def per_team_day_tables(
    table: RawTable,
    read: Callable[..., Iterator[pa.Table]],
    window: Window,
    s: ReveniumSettings,
    since: datetime | None = None,
) -> Iterator[pa.Table]:
    """``read(client, table, team_id, day, window)`` yields the Arrow pages itself (a paged list's fast
    path). With ``since`` (an incremental refresh) each day is asked from ``since`` on."""
    with _platform(s, table) as client:
        for team_id in s.team_ids:
            for day in pull_window(window, since).days():
                yield from read(client, table, team_id, day, window)


def per_team_day_pages(
    table: RawTable, read: Callable[..., Iterable[Records]], window: Window, s: ReveniumSettings
) -> Iterator[pa.Table]:
    """Pages of ``read(client, team_id, day)`` for every team and day, dated by their own event time."""
    empty = True
    with _platform(s, table) as client:
        for team_id in s.team_ids:
            for day in window.days():
                for records in read(client, team_id, day):
                    empty = False
                    yield records_to_table(table, records, window, {"team_id": team_id})
    if empty:  # no rows at all: still declare the table, so that staging can read it
        yield records_to_table(table, [], window, {"team_id": ""})


def per_team_pages(
    table: RawTable,
    read: Callable[..., Iterable[Records]],
    window: Window,
    s: ReveniumSettings,
    since: datetime | None = None,
) -> Iterator[pa.Table]:
    """Pages of ``read(client, team_id, window)``, asked once per team for the whole window (an API with no
    date parameters), dated by their own event time. With ``since`` (an incremental refresh) ``read`` is
    asked for the window from ``since`` on."""
    first_day, pulled = next(window.days()), pull_window(window, since)
    return per_team_day_pages(
        table, lambda c, t, day: read(c, t, pulled) if day == first_day else [], window, s
    )


def per_team_day(
    table: RawTable, read: Callable[..., Records], window: Window, s: ReveniumSettings
) -> Iterator[pa.Table]:
    """``read(client, team_id, day)``: the team's records of one day, landed under that day."""
    with _platform(s, table) as client:
        for team_id in s.team_ids:
            for day in window.days():
                records = read(client, team_id, day)
                yield records_to_table(table, records, window, {"team_id": team_id}, day=day.start.date())


def per_team_snapshot(
    table: RawTable, read: Callable[..., Records], window: Window, s: ReveniumSettings
) -> Iterator[pa.Table]:
    """``read(client, team_id, window)``: a snapshot taken once per team, landed under every day."""
    with _platform(s, table) as client:
        for team_id in s.team_ids:
            records = read(client, team_id, window)
            for day in window.days():
                yield records_to_table(table, records, window, {"team_id": team_id}, day=day.start.date())


def analytics_per_day(
    table: RawTable, read: Callable[..., Records], window: Window, s: ReveniumSettings
) -> Iterator[pa.Table]:
    """``read(client, day)`` on the analytics host: the account's figures of one day, under that day (a
    table with an event time is dated by it instead)."""
    with _analytics(s, table) as client:
        for day in window.days():
            rows = read(client, day)
            yield records_to_table(table, rows, window, {"team_id": _team_label(s)}, day=day.start.date())


# Readers that are not already one call of ``agentic``.
def listed_tables(
    queries: Callable[[str, Window], list[agentic.ListQuery]],
    id_field: str = "id",
    only_the_day: bool = False,
) -> Callable[..., Iterator[pa.Table]]:
    """The records of a team's day in paged HAL lists (``queries(team_id, day)``), as Arrow tables: many
    pages decoded at once, ``REVENIUM_PAGE_CONCURRENCY`` pages asked at a time (``paged_tables``). With
    ``only_the_day``, records dated on another day are dropped (traces: the dates are a filter not every
    server applies [I])."""

    def read(
        client: VendorClient, table: RawTable, team_id: str, day: Window, window: Window
    ) -> Iterator[pa.Table]:
        for path, params in queries(team_id, day):
            yield from iter_page_tables(
                client,
                path,
                params,
                table,
                window,
                {"team_id": team_id},
                concurrency=page_concurrency(),
                batch_pages=max(1, batch_rows() // PAGE_SIZE),
                id_field=id_field,
                only_within=day if only_the_day else None,
            )

    return read


def cost_by_provider_rows(client: VendorClient, day: Window) -> Records:
    items = cost_by_provider_items(client, day)
    objects = [agentic.as_object(i) for i in items]
    return [{"groupName": i.get("groupName"), "cost_usd": metric_result(i, "cost")} for i in objects]


def aggregated_rows(client: VendorClient, day: Window) -> Records:
    rows: Records = []
    for endpoint in AGGREGATED_ENDPOINTS:
        for item in paged_items(client, endpoint, day):
            item = agentic.as_object(item)
            for metric in map(agentic.as_object, item.get("metrics") or []):
                if (row := metric_row(endpoint, item, metric)) is not None:
                    rows.append(row)
    return rows


def timeseries_rows(client: VendorClient, day: Window) -> Records:
    rows: Records = []
    for endpoint in TIMESERIES_ENDPOINTS:
        path, params = endpoint_request(endpoint, day)
        for bucket in map(agentic.as_object, hal_items(client.get(path, params=params))):
            bounds = {k: bucket.get(k) for k in ("startTimestamp", "endTimestamp")}
            for group in map(agentic.as_object, bucket.get("groups") or []):
                for metric in map(agentic.as_object, group.get("metrics") or []):
                    if (row := metric_row(endpoint, group, metric)) is not None:
                        rows.append({**row, **bounds})
    return rows


def analytics_list(path: str, list_key: str) -> Callable[[VendorClient, Window], Records]:
    """One analytics request per day; its records sit under ``list_key`` of the response."""

    def read(client: VendorClient, day: Window) -> Records:
        body = client.get(path, params={"startDate": iso_z(day.start), "endDate": iso_z(day.end)})
        return items_under(body, list_key)

    return read


def clock() -> datetime:
    """Now, as the squad listings count their period back from it (the vendor's clock is the real one); the
    benchmark replays a refresh at another moment by replacing it."""
    return datetime.now(UTC)


def squad_runs(client: VendorClient, team_id: str, window: Window) -> Records:
    period = agentic.squad_period(window, clock())
    return agentic.squad_executions(client, team_id, window, period)


def squad_timelines(client: VendorClient, team_id: str, window: Window) -> Iterator[Records]:
    # the listing names the runs; their details (counts) are the executions resource's, not asked again here
    period = agentic.squad_period(window, clock())
    for run in agentic.squad_listing(client, team_id, window, period):
        if agentic.has_id(run.get("id")):  # a run without an id is quarantined with the executions
            yield agentic.squad_timeline(client, team_id, run["id"])


def squad_entities(client: VendorClient, team_id: str, window: Window) -> Records:
    return agentic.squad_entities(client, team_id, agentic.squad_period(window, clock()))


def detailed_jobs(client: VendorClient, team_id: str, day: Window) -> list[str]:
    """The agenticJobIds of the day's jobs the source details (the first ``limit`` created)."""
    limit = agentic.job_detail_limit()
    out: list[str] = []
    for page in agentic.jobs(client, team_id, day):
        # A job without an id has no details to ask for; its row is quarantined with the jobs (missing_key).
        out += [
            j["agenticJobId"] for j in page if isinstance(j, dict) and agentic.has_id(j.get("agenticJobId"))
        ]
        if 0 <= limit <= len(out):
            return out[:limit]
    return out


def each_detailed_job(
    fetch: Callable[[VendorClient, str, str], Records],
) -> Callable[[VendorClient, str, Window], Records]:
    """``fetch(client, team_id, job_id)`` over the day's detailed jobs, as one day's records."""

    def read(client: VendorClient, team_id: str, day: Window) -> Records:
        records: Records = []
        for job_id in detailed_jobs(client, team_id, day):
            records += fetch(client, team_id, job_id)
        return records

    return read


@dataclass(frozen=True)
class ResourceSpec:
    """One resource of the source: the raw table it lands, what one read returns, and how it fans out."""

    table: RawTable
    read: Callable[..., Any]
    fan_out: Callable[[RawTable, Any, Window, ReveniumSettings], Iterator[pa.Table]]


# Every resource, in the order the source lists them (resource name = table name).
RESOURCES: tuple[ResourceSpec, ...] = (
    ResourceSpec(
        REVENIUM_COMPLETIONS,
        listed_tables(lambda t, d: [(COMPLETIONS_PATH, completion_params(t, d))]),
        per_team_day_tables,
    ),
    ResourceSpec(REVENIUM_COST_BY_PROVIDER, cost_by_provider_rows, analytics_per_day),
    ResourceSpec(
        REVENIUM_TRACES,
        listed_tables(agentic.traces_queries, "traceId", only_the_day=True),
        per_team_day_tables,
    ),
    ResourceSpec(REVENIUM_TOOL_EVENTS, listed_tables(agentic.tool_events_queries), per_team_day_tables),
    ResourceSpec(REVENIUM_SQUAD_EXECUTIONS, lambda c, t, w: [squad_runs(c, t, w)], per_team_pages),
    ResourceSpec(REVENIUM_SQUAD_TIMELINE, squad_timelines, per_team_pages),
    ResourceSpec(REVENIUM_SQUAD_ENTITIES, squad_entities, per_team_snapshot),
    ResourceSpec(REVENIUM_JOBS, listed_tables(agentic.jobs_queries, "agenticJobId"), per_team_day_tables),
    ResourceSpec(
        REVENIUM_JOB_ROI, each_detailed_job(lambda c, t, j: [agentic.job_roi(c, t, j)]), per_team_day
    ),
    ResourceSpec(REVENIUM_JOB_TRANSACTIONS, each_detailed_job(agentic.job_transactions), per_team_day),
    ResourceSpec(REVENIUM_JOB_OUTCOME_HISTORY, each_detailed_job(agentic.job_outcome_history), per_team_day),
    ResourceSpec(
        REVENIUM_JOB_TYPES,
        lambda c, t, w: [{"job_type": x} for x in agentic.job_types(c, t)],
        per_team_snapshot,
    ),
    ResourceSpec(REVENIUM_JOB_FUNNEL, lambda c, t, d: [agentic.conversion_funnel(c, t, d)], per_team_day),
    ResourceSpec(REVENIUM_AI_METRICS, listed_tables(agentic.ai_metrics_queries), per_team_day_tables),
    *(
        ResourceSpec(
            table, listed_tables(agentic.media_queries(agentic.MEDIA_PATHS[kind])), per_team_day_tables
        )
        for table, kind in ((REVENIUM_AUDIO, "audio"), (REVENIUM_IMAGES, "images"), (REVENIUM_VIDEO, "video"))
    ),
    ResourceSpec(REVENIUM_ANALYTICS_TIMESERIES, timeseries_rows, analytics_per_day),
    ResourceSpec(REVENIUM_ANALYTICS_AGGREGATED, aggregated_rows, analytics_per_day),
    ResourceSpec(
        REVENIUM_ANALYTICS_TRACE_COSTS,
        analytics_list("/api/v2/analytics/trace-cost-distribution", "dataPoints"),
        analytics_per_day,
    ),
    ResourceSpec(
        REVENIUM_ANALYTICS_JOBS_ROI,
        analytics_list("/api/v2/analytics/jobs/roi-summary", "byJobType"),
        analytics_per_day,
    ),
)


def _resource(
    spec: ResourceSpec, window: Window, settings: ReveniumSettings | None, since: datetime | None
) -> DltResource:
    def pages() -> Iterator[pa.Table]:
        # Settings are read when the data is pulled, not when the source is built.
        s = settings or ReveniumSettings.from_env()
        if since is None:
            yield from spec.fan_out(spec.table, spec.read, window, s)
        else:  # an incremental table's fan-out (per_team_day_tables, per_team_pages) takes ``since``
            yield from spec.fan_out(spec.table, spec.read, window, s, since=since)  # type: ignore[call-arg]

    pages.__name__ = pages.__qualname__ = spec.table.name
    return windowed_resource(spec.table, window, since, parallelized=True)(pages)


@dlt.source(name="revenium", max_table_nesting=0)
def revenium_source(
    window_start: datetime,
    window_end: datetime,
    settings: ReveniumSettings | None = None,
    increments: Increments | None = None,
) -> list[Any]:
    """Revenium for one window: one windowed resource per entry of ``RESOURCES``; the tables named in
    ``increments`` are pulled from their ``since`` on (``ingestion.core.increments``)."""
    window = Window(window_start, window_end)
    since = increments or {}
    return [_resource(spec, window, settings, since.get(spec.table.name)) for spec in RESOURCES]
