"""Reads of Revenium's agentic surfaces: traces, tool events, squads and jobs (docs/vendor-apis/revenium.md §2.1, §4).

The large per-day lists (traces, tool events, jobs, media metrics) are given as list queries (path and
parameters) that the source walks into Arrow tables (``paged_tables``); the other functions return plain
records for one team and one UTC day, which the source turns into raw tables.

Choices where the docs are silent or the API has no date window ([I] = inferred):

* Traces are asked with ``startDate``/``endDate`` (as the vendor CLI does) and ``sort=startTime,asc``; the
  docs say a call without ``period`` returns every trace. Records outside the day are dropped by the source
  (``iter_page_tables(only_within=day)``), so a server that ignores the dates still lands the right rows
  (just slower) [I].
* Squads take only a ``period`` (no dates). A run asks for the smallest period that reaches back to the
  start of its window (``squad_period``) and keeps the executions whose ``startTime`` falls in the window,
  so squad executions are dated by their own time like any event. A day older than TWELVE_MONTHS cannot
  be read. Entities (squad definitions) have no time at all: they are a snapshot of the run, landed
  under every day of the window.
* Per-squad detail (``transactionCount``, ``errorCount``) and timeline cost one request per execution;
  per-job ROI, transactions and outcome history one request each per job. Squads are few (about 100 a
  day at the demo's volume), jobs are many (thousands), so jobs are detailed for at most
  ``REVENIUM_JOB_DETAIL_LIMIT`` jobs per team and day (default 20, the first ones created; -1 = all).
  Job cost and outcome for every job are in the jobs list and in completions (``agenticJobId``).
* Job types: a bare array of strings, or HAL ``_embedded.jobTypes: [{name}]`` (an MCP fixture); both read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from ingestion.core.arrow_pages import kept_for
from ingestion.core.http_client import VendorClient, path_segment
from ingestion.core.paging import PageWalk
from ingestion.core.windows import Window, as_utc, iso_z
from ingestion.revenium import settings as revenium_settings
from ingestion.revenium.paging import hal_items, items_under, iter_pages

METRICS = "/profitstream/v2/api/sources/metrics"
TRACES_PATH = f"{METRICS}/ai/traces"
TOOL_EVENTS_PATH = f"{METRICS}/tool/events"
SQUADS_PATH = "/profitstream/v2/api/squads"
JOBS_PATH = "/profitstream/v2/api/jobs"

# Squad periods, shortest first, with their length in hours.
PERIODS: tuple[tuple[str, int], ...] = (
    ("HOUR", 1),
    ("EIGHT_HOURS", 8),
    ("TWENTY_FOUR_HOURS", 24),
    ("SEVEN_DAYS", 7 * 24),
    ("THIRTY_DAYS", 30 * 24),
    ("NINETY_DAYS", 90 * 24),
    ("SIX_MONTHS", 182 * 24),
    ("TWELVE_MONTHS", 365 * 24),
)


def job_detail_limit() -> int:
    return revenium_settings.JOB_DETAIL_LIMIT.read()


def _dated(window: Window, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "teamId": extra.pop("teamId"),
        "startDate": iso_z(window.start),
        "endDate": iso_z(window.end),
        **extra,
    }


# A list query: the path and parameters of one paged HAL list (the source walks it into Arrow tables,
# ``paged_tables.iter_page_tables``).
ListQuery = tuple[str, dict[str, Any]]


def traces_queries(team_id: str, day: Window) -> list[ListQuery]:
    return [(TRACES_PATH, _dated(day, {"teamId": team_id, "sort": "startTime,asc"}))]


def tool_events_queries(team_id: str, day: Window) -> list[ListQuery]:
    return [(TOOL_EVENTS_PATH, _dated(day, {"teamId": team_id, "sort": "timestamp,asc"}))]


def jobs_queries(team_id: str, day: Window) -> list[ListQuery]:
    return [(JOBS_PATH, _dated(day, {"teamId": team_id, "sort": "created,asc"}))]


def as_object(value: Any) -> dict[str, Any]:
    """A listed item as a record: an object as it is, anything else wrapped (``{"item": value}``) so that it
    reaches the projection — which quarantines it for what it lacks — instead of failing the load."""
    return value if isinstance(value, dict) else {"item": value}


def has_id(value: Any) -> bool:
    """An id a detail request can be made for (ids are optional in practice: a record without one is
    quarantined under ``missing_key`` by the projection, and its details are not asked for)."""
    return isinstance(value, str | int) and not isinstance(value, bool) and str(value) != ""


def squad_period(window: Window, now: datetime) -> str:
    """The shortest period that reaches back from ``now`` to the window's start (TWELVE_MONTHS at most)."""
    hours = (as_utc(now) - window.start).total_seconds() / 3600
    return next((name for name, length in PERIODS if length >= hours), PERIODS[-1][0])


def squad_listing(client: VendorClient, team_id: str, window: Window, period: str) -> list[dict[str, Any]]:
    """The executions of ``period`` whose startTime is in ``window``, as listed (without their details)."""
    body = client.get(SQUADS_PATH, params={"teamId": team_id, "period": period})
    return [r for r in hal_items(body) if isinstance(r, dict) and kept_for(window, r.get("startTime"))]


def squad_executions(client: VendorClient, team_id: str, window: Window, period: str) -> list[dict[str, Any]]:
    """Executions whose startTime is in ``window``, each with its detail's transactionCount/errorCount."""
    runs = squad_listing(client, team_id, window, period)
    for run in runs:
        if has_id(run.get("id")):  # without one there is no detail to ask for; the run is quarantined
            detail = client.get(f"{SQUADS_PATH}/{path_segment(run['id'])}", params={"teamId": team_id})
            detail = detail if isinstance(detail, dict) else {}
            run["transactionCount"] = detail.get("transactionCount")
            run["errorCount"] = detail.get("errorCount")
        run["requested_period"] = period
    return runs


def squad_timeline(client: VendorClient, team_id: str, squad_id: str) -> list[dict[str, Any]]:
    body = client.get(f"{SQUADS_PATH}/{path_segment(squad_id)}/timeline", params={"teamId": team_id})
    events = items_under(body, "events")
    return [
        {**as_object(e), "squadId": body.get("squadId", squad_id) if isinstance(body, dict) else squad_id}
        for e in events
    ]


def squad_entities(client: VendorClient, team_id: str, period: str) -> list[dict[str, Any]]:
    body = client.get(f"{SQUADS_PATH}/entities", params={"teamId": team_id, "period": period})
    return [{**as_object(r), "requested_period": period} for r in hal_items(body)]


def jobs(client: VendorClient, team_id: str, day: Window) -> Iterator[list[dict[str, Any]]]:
    """The day's jobs as pages of records (which jobs to detail: ``source.detailed_jobs``)."""
    [(path, params)] = jobs_queries(team_id, day)
    yield from iter_pages(client, path, params, id_field="agenticJobId")


def job_roi(client: VendorClient, team_id: str, job_id: str) -> dict[str, Any]:
    return client.get(f"{JOBS_PATH}/{path_segment(job_id)}/roi", params={"teamId": team_id})


def job_transactions(client: VendorClient, team_id: str, job_id: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page = 0
    path = f"{JOBS_PATH}/{path_segment(job_id)}/transactions"
    walk = PageWalk(client, path, f"team {team_id}")
    while True:
        body = client.get(path, params={"teamId": team_id, "page": page, "size": 100})
        batch = items_under(body, "transactions")
        walk.page(len(batch), body=batch, at=f"page {page}", cursor=page)
        out += [{**as_object(t), "agentic_job_id": job_id} for t in batch]
        total = body.get("totalCount") if isinstance(body, dict) else None
        if not batch or total is None or len(out) >= int(total):
            return out
        page += 1


def job_outcome_history(client: VendorClient, team_id: str, job_id: str) -> list[dict[str, Any]]:
    body = client.get(f"{JOBS_PATH}/{path_segment(job_id)}/outcome/history", params={"teamId": team_id})
    return [{**as_object(h), "agentic_job_id": job_id} for h in hal_items(body)]


def job_types(client: VendorClient, team_id: str) -> list[str]:
    body = client.get(f"{JOBS_PATH}/types", params={"teamId": team_id})
    return [t if isinstance(t, str) else as_object(t).get("name") for t in hal_items(body) if t]


def conversion_funnel(client: VendorClient, team_id: str, day: Window) -> dict[str, Any]:
    return client.get(f"{JOBS_PATH}/conversion-funnel", params=_dated(day, {"teamId": team_id}))


# -- media metrics and the all-modality list ---------------------------------------------------------------
AI_PATH = f"{METRICS}/ai"
MEDIA_PATHS = {"audio": f"{AI_PATH}/audio", "images": f"{AI_PATH}/images", "video": f"{AI_PATH}/video"}


def ai_metric_types() -> list[str]:
    """Modalities read from ``/ai`` (REVENIUM_AI_METRIC_TYPES). COMPLETION rows there repeat /completions
    with fewer fields, so by default only the media modalities are read (a cross-check of the media lists)."""
    return revenium_settings.AI_METRIC_TYPES.read()


def media_queries(path: str) -> Callable[[str, Window], list[ListQuery]]:
    def queries(team_id: str, day: Window) -> list[ListQuery]:
        return [(path, _dated(day, {"teamId": team_id, "sort": "timestamp,asc"}))]

    return queries


def ai_metrics_queries(team_id: str, day: Window) -> list[ListQuery]:
    return [
        (AI_PATH, _dated(day, {"teamId": team_id, "sort": "timestamp,asc", "metricType": metric_type}))
        for metric_type in ai_metric_types()
    ]
