"""Revenium's two hosts: the platform (``api.revenium.ai/profitstream``) and analytics (``app.revenium.ai``).

Platform (``x-api-key``, ``teamId`` on every call), Spring Data + HATEOAS paging:

* ``GET /profitstream/v2/api/sources/metrics/ai/completions?teamId&startDate&endDate&page&size&sort``:
  the completions of one team with ``startDate <= requestTime < endDate``, as
  ``{"_embedded": {"aICompletionMetricResourceList": [...]}, "page": {...}, "_links": {...}}``; an empty
  page omits ``_embedded``. ``size`` defaults to 20 and is clamped to 100 (the server cap); ``page`` is
  0-based; ``sort`` is ``timestamp,desc`` by default (``timestamp`` = ``requestTime``; ``requestTime`` is
  accepted too), ties broken by id in the same direction, so pages are stable.

Analytics (``Authorization: Bearer <same key>``, no teamId: the account is every team):

* ``GET /api/v2/analytics/cost-by-<dimension>-aggregated?startDate&endDate&page&size``: the cost of the
  visible calls in [startDate, endDate) per provider (``cost-by-provider-aggregated``) - and per model,
  agent, organization, product, API key, user or task - as ``metric_aggregated`` items ordered by cost
  desc then name, paged like the platform.

Choices where the docs are silent [I]:

* an unknown ``teamId`` is ``404 {"details": {"error": "team not found: <id>"}}`` (a misconfigured team
  must fail loudly, not look like a quiet day);
* without ``endDate`` the window ends now, without ``startDate`` it starts 24 hours before its end (the
  CLI's default window); ``startDate >= endDate`` is an empty page;
* ``modelSource`` is ``ORQ`` for calls routed through orq.ai, ``HELICONE`` for calls through the Helicone
  gateway, else ``DIRECT``; the record carries no prompt text.

Rate limits (§6): bucket ``analytics`` (AI metrics reads and the analytics host, 100 req/s) and ``platform``
(other ``/profitstream`` paths, 50 req/s) per API key, 1-second windows, with ``X-RateLimit-*`` headers on
every bucketed response and a 429 with ``Retry-After`` when over.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

import numpy as np

from ingestion.simulator import catalogue as cat
from ingestion.simulator.ids import name_hashid
from ingestion.simulator.prices import MODELS, PROVIDERS
from ingestion.simulator.ratelimit import Decision, FixedWindowLimiter
from ingestion.simulator.responses import Request, Response, json_response
from ingestion.simulator.timefmt import TimeParseError, datetime_to_ms_ceil, iso_ms, parse_iso
from ingestion.simulator.views import DaySlice, all_rows, revenium_team_rows, window_slices
from ingestion.simulator.world import DayCalls, World

COMPLETIONS_PATH = "/profitstream/v2/api/sources/metrics/ai/completions"
ANALYTICS_PREFIX = "/api/v2/analytics/"
METRICS_PREFIX = "/profitstream/v2/api/sources/metrics/"
DEFAULT_SIZE = 20
MAX_SIZE = 100
DEFAULT_WINDOW = timedelta(hours=24)
INVALID_KEY = "Invalid or inactive API key"
ANALYTICS_RATE = 100  # requests per second per key (Revenium §6)
PLATFORM_RATE = 50


def error_response(status: int, message: str) -> Response:
    """Revenium's error bodies: ``{"error": ...}`` for auth and rate limits, ``{"details": {...}}`` else."""
    if status in (401, 403, 429) or status >= 500:
        return json_response(status, {"error": message})
    return json_response(status, {"details": {"error": message}})


class BadRequest(Exception):
    pass


# -- request parsing ------------------------------------------------------------------------------------
def _parse_window(req: Request, cutoff_ms: int) -> tuple[int, int]:
    """[start, end) in epoch ms from startDate/endDate (ISO-8601, ``Z`` or offset, fraction optional)."""
    bounds: dict[str, int] = {}
    for name in ("startDate", "endDate"):
        value = req.param(name)
        if value is None or value == "":
            continue
        try:
            bounds[name] = datetime_to_ms_ceil(parse_iso(value))
        except TimeParseError as exc:
            raise BadRequest(
                f"Expected ISO 8601 format (e.g. 2025-09-01T00:00:00Z) for {name}, got {value!r}"
            ) from exc
    end = bounds.get("endDate", cutoff_ms + 1)
    start = bounds.get("startDate", end - int(DEFAULT_WINDOW.total_seconds() * 1000))
    return start, end


def _int_param(req: Request, name: str, default: int) -> int:
    value = req.param(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise BadRequest(f"Failed to convert value of type 'String' to 'int' for {name}: {value!r}") from exc


def _paging(req: Request) -> tuple[int, int]:
    """(page, size) the Spring way: page < 0 is 0, size < 1 is the default, size > 100 is 100."""
    page = max(0, _int_param(req, "page", 0))
    size = _int_param(req, "size", DEFAULT_SIZE)
    size = DEFAULT_SIZE if size < 1 else min(size, MAX_SIZE)
    return page, size


def _sort_desc(req: Request) -> bool:
    """True for ``timestamp,desc`` (the default); the first ``sort`` parameter decides."""
    value = req.param("sort")
    if not value:
        return True
    prop, _, direction = (part.strip() for part in value.partition(","))
    if prop not in ("timestamp", "requestTime"):
        raise BadRequest(f"No property '{prop}' found for type 'AICompletionMetricResource'")
    direction = direction.lower() or "asc"
    if direction not in ("asc", "desc"):
        raise BadRequest(f"Invalid sort direction {direction!r}; use asc or desc")
    return direction == "desc"


def _href(req: Request, **overrides: Any) -> str:
    pairs = [(k, v) for k, v in parse_qsl(req.query_string, keep_blank_values=True) if k not in overrides]
    pairs += [(k, str(v)) for k, v in overrides.items()]
    return f"{req.base_url}{req.path}?{urlencode(pairs, safe=':,')}"


def _page_block(size: int, total: int, page: int) -> dict[str, int]:
    return {"size": size, "totalElements": total, "totalPages": math.ceil(total / size), "number": page}


def _links(req: Request, page: int, size: int, total_pages: int, sort: str | None = None) -> dict[str, Any]:
    extra = {"sort": sort} if sort else {}
    links: dict[str, Any] = {}
    if page > 0:
        links["prev"] = {"href": _href(req, page=min(page - 1, max(total_pages - 1, 0)), size=size, **extra)}
    links["self"] = {"href": _href(req, page=page, size=size, **extra)}
    if page + 1 < total_pages:
        links["next"] = {"href": _href(req, page=page + 1, size=size, **extra)}
    return links


# -- records --------------------------------------------------------------------------------------------
_SUBSCRIPTIONS = {
    (o, p): name_hashid(f"subscription:{org.name}:{prod.name}")
    for o, org in enumerate(cat.ORGANIZATIONS)
    for p, prod in enumerate(cat.PRODUCTS)
}
_ORG_REFS = [{"id": o.id, "label": o.name} for o in cat.ORGANIZATIONS]
_PRODUCT_REFS = [{"id": p.id, "label": p.name} for p in cat.PRODUCTS]
_SUBSCRIBER_REFS = [{"id": s.id, "email": s.email} for s in cat.SUBSCRIBERS]
_CREDENTIAL_REFS = [{"id": c.id, "label": c.label} for c in cat.CREDENTIALS]


def completion_record(calls: DayCalls, i: int) -> dict[str, Any]:
    """One ``AICompletionMetricResource`` (no prompt text: list rows never carry it)."""
    i = int(i)
    error = bool(calls.is_error[i])
    req_ms = int(calls.request_ms[i])
    duration = int(calls.duration_ms[i])
    inp, out = int(calls.input_tokens[i]), int(calls.output_tokens[i])
    agent = cat.AGENTS[calls.agent[i]]
    org, product = int(calls.organization[i]), int(calls.product[i])
    source = "ORQ" if calls.in_orq[i] else "HELICONE" if calls.in_helicone[i] else "DIRECT"
    return {
        "id": calls.metric_id_str(i),
        "transactionId": calls.transaction_id_str(i),
        "metricType": "COMPLETION",
        "model": MODELS[calls.model[i]].name,
        "provider": PROVIDERS[calls.provider[i]].name,
        "modelSource": source,
        "operationType": agent.operation_type,
        "inputTokenCount": inp,
        "outputTokenCount": out,
        "totalTokenCount": inp + out,
        "cacheReadTokenCount": int(calls.cache_read_tokens[i]),
        "cacheCreationTokenCount": int(calls.cache_write_tokens[i]),
        "reasoningTokenCount": int(calls.reasoning_tokens[i]),
        "inputTokenCost": int(calls.input_cost[i]) / 1e9,
        "outputTokenCost": int(calls.output_cost[i]) / 1e9,
        "cacheReadTokenCost": int(calls.cache_read_cost[i]) / 1e9,
        "cacheCreationTokenCost": int(calls.cache_write_cost[i]) / 1e9,
        "totalCost": int(calls.total_cost[i]) / 1e9,
        "timeToFirstToken": None if error else int(calls.ttft_ms[i]),
        "requestDuration": duration,
        "tokensPerMinute": round((inp + out) * 60_000 / max(duration, 1), 2),
        "stopReason": cat.STOP_REASONS[calls.stop_reason[i]],
        "errorReason": cat.ERROR_KINDS[calls.error_kind[i]][0] if error else None,
        "requestTime": iso_ms(req_ms),
        "responseTime": iso_ms(req_ms + duration),
        "completionStartTime": None if error else iso_ms(req_ms + int(calls.ttft_ms[i])),
        "isStreamed": bool(calls.is_streamed[i]),
        "traceId": calls.trace_id_str(i),
        "parentTransactionId": calls.parent_transaction_id_str(i),
        "traceType": cat.TRACE_TYPES[calls.trace_type[i]].name,
        "traceName": cat.TRACE_NAMES[calls.trace_name[i]],
        "taskType": agent.task_type,
        "agent": agent.name,
        "squadId": calls.squad_id_str(i),
        "agenticJobId": calls.job_id_str(i),
        "environment": cat.ENVIRONMENTS[calls.environment[i]][0],
        "region": cat.REGIONS[calls.region[i]][0],
        "organization": dict(_ORG_REFS[org]),
        "product": dict(_PRODUCT_REFS[product]),
        "subscriber": dict(_SUBSCRIBER_REFS[calls.subscriber[i]]),
        "subscriberCredential": dict(_CREDENTIAL_REFS[calls.credential[i]]),
        "subscriptionId": _SUBSCRIPTIONS[(org, product)],
    }


def page_of(slices: list[DaySlice], offset: int, size: int, desc: bool) -> list[tuple[DayCalls, int]]:
    """Rows ``offset .. offset + size`` of the concatenated slices (oldest first, or newest first)."""
    out: list[tuple[DayCalls, int]] = []
    skip = offset
    for sl in reversed(slices) if desc else slices:
        if skip >= sl.count:
            skip -= sl.count
            continue
        take = min(sl.count - skip, size - len(out))
        if desc:
            rows = sl.index.rows[sl.hi - skip - take : sl.hi - skip][::-1]
        else:
            rows = sl.index.rows[sl.lo + skip : sl.lo + skip + take]
        out.extend((sl.calls, int(r)) for r in rows)
        skip = 0
        if len(out) >= size:
            break
    return out


# -- rate limiting --------------------------------------------------------------------------------------
@dataclass
class ReveniumLimits:
    """The per-key buckets, shared by both Revenium hosts; None when rate limiting is off."""

    analytics: FixedWindowLimiter | None
    platform: FixedWindowLimiter | None


def _limit_headers(bucket: str, d: Decision) -> list[tuple[str, str]]:
    return [
        ("X-RateLimit-Limit", str(d.limit)),
        ("X-RateLimit-Remaining", str(d.remaining)),
        ("X-RateLimit-Reset", str(d.reset_epoch)),
        ("X-RateLimit-Bucket", bucket),
    ]


def _rate_limited(
    limiter: FixedWindowLimiter | None, bucket: str, key: str, serve: Callable[[], Response]
) -> Response:
    if limiter is None:
        return serve()
    decision = limiter.hit(key)
    headers = _limit_headers(bucket, decision)
    if not decision.allowed:
        response = error_response(429, "Rate limit exceeded")
        response.headers += headers + [
            ("Retry-After", str(decision.retry_after)),
            ("X-RateLimit-Limited-Reason", "bucket-rate"),
        ]
        return response
    response = serve()
    response.headers += headers
    return response


# -- the platform host ----------------------------------------------------------------------------------
class ReveniumPlatform:
    def __init__(self, world: World, api_key: str, cutoff_ms: Callable[[], int], limits: ReveniumLimits):
        self.world = world
        self.api_key = api_key
        self.cutoff_ms = cutoff_ms
        self.limits = limits

    def handle(self, req: Request) -> Response:
        if not req.path.startswith("/profitstream/"):
            return json_response(404, {"error": "Not Found", "status": 404, "path": req.path})
        key = req.header("x-api-key")
        if key != self.api_key:
            return error_response(401, INVALID_KEY)
        if req.path.startswith(METRICS_PREFIX):
            return _rate_limited(self.limits.analytics, "analytics", key, lambda: self._route(req))
        return _rate_limited(self.limits.platform, "platform", key, lambda: self._route(req))

    def _route(self, req: Request) -> Response:
        if req.path.rstrip("/") != COMPLETIONS_PATH:
            return json_response(404, {"error": "Not Found", "status": 404, "path": req.path})
        if req.method != "GET":
            return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
        try:
            return self._completions(req)
        except BadRequest as exc:
            return error_response(400, str(exc))

    def _completions(self, req: Request) -> Response:
        team_id = req.param("teamId")
        if not team_id:
            raise BadRequest("teamId is required")
        if team_id not in self.world.team_ids:
            return error_response(404, f"team not found: {team_id}")
        cutoff = self.cutoff_ms()
        start, end = _parse_window(req, cutoff)
        page, size = _paging(req)
        desc = _sort_desc(req)
        team = self.world.team_ids.index(team_id)
        slices = list(
            window_slices(self.world, ("revenium", team), revenium_team_rows(team), start, end, cutoff)
        )
        total = sum(s.count for s in slices)
        rows = page_of(slices, page * size, size, desc)
        block = _page_block(size, total, page)
        body: dict[str, Any] = {}
        if rows:
            body["_embedded"] = {"aICompletionMetricResourceList": [completion_record(c, i) for c, i in rows]}
        body["page"] = block
        sort = "timestamp,desc" if desc else "timestamp,asc"
        body["_links"] = _links(req, page, size, block["totalPages"], sort)
        return json_response(200, body)


# -- the analytics host ---------------------------------------------------------------------------------
# endpoint dimension -> (DayCalls column, code -> group name)
AGGREGATED_DIMENSIONS: dict[str, tuple[str, list[str]]] = {
    "provider": ("provider", [p.name for p in PROVIDERS]),
    "model": ("model", [m.name for m in MODELS]),
    "agent": ("agent", [a.name for a in cat.AGENTS]),
    "organization": ("organization", [o.name for o in cat.ORGANIZATIONS]),
    "product": ("product", [p.name for p in cat.PRODUCTS]),
    "api-key": ("credential", [c.label for c in cat.CREDENTIALS]),
    "user": ("subscriber", [s.email for s in cat.SUBSCRIBERS]),
    "task": ("task_type", list(cat.TASK_TYPES)),
}


def cost_by(world: World, column: str, groups: int, start: int, end: int, cutoff: int) -> tuple[list, list]:
    """(nano-dollars, calls) per group code over the visible calls of [start, end), every team."""
    cost = [0] * groups
    count = [0] * groups
    for sl in window_slices(world, "all", all_rows, start, end, cutoff):
        if not sl.count:
            continue
        rows = sl.rows
        codes = getattr(sl.calls, column)[rows]
        costs = sl.calls.total_cost[rows]
        present = np.bincount(codes, minlength=groups)
        for g in np.flatnonzero(present):
            # int64 sums are exact; float weights would round once a day passes 2**53 nano-dollars
            cost[g] += int(costs[codes == g].sum())
            count[g] += int(present[g])
    return cost, count


class ReveniumAnalytics:
    def __init__(self, world: World, api_key: str, cutoff_ms: Callable[[], int], limits: ReveniumLimits):
        self.world = world
        self.api_key = api_key
        self.cutoff_ms = cutoff_ms
        self.limits = limits

    def handle(self, req: Request) -> Response:
        token = req.bearer_token()
        if token != self.api_key:
            return error_response(401, INVALID_KEY)
        return _rate_limited(self.limits.analytics, "analytics", token, lambda: self._route(req))

    def _route(self, req: Request) -> Response:
        path = req.path.rstrip("/")
        name = path[len(ANALYTICS_PREFIX) :] if path.startswith(ANALYTICS_PREFIX) else ""
        if not (name.startswith("cost-by-") and name.endswith("-aggregated")):
            return json_response(404, {"error": "Not Found", "status": 404, "path": req.path})
        dimension = name[len("cost-by-") : -len("-aggregated")]
        if dimension not in AGGREGATED_DIMENSIONS:
            return json_response(404, {"error": "Not Found", "status": 404, "path": req.path})
        if req.method != "GET":
            return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
        try:
            return self._aggregated(req, *AGGREGATED_DIMENSIONS[dimension])
        except BadRequest as exc:
            return error_response(400, str(exc))

    def _aggregated(self, req: Request, column: str, names: list[str]) -> Response:
        cutoff = self.cutoff_ms()
        start, end = _parse_window(req, cutoff)
        page, size = _paging(req)
        cost, count = cost_by(self.world, column, len(names), start, end, cutoff)
        groups = sorted((g for g in range(len(names)) if count[g]), key=lambda g: (-cost[g], names[g]))
        block = _page_block(size, len(groups), page)
        items = [
            {
                "groupName": names[g],
                "metrics": [{"label": "cost", "metricResult": cost[g] / 1e9, "metricType": "MONEY"}],
            }
            for g in groups[page * size : (page + 1) * size]
        ]
        return json_response(
            200,
            {
                "resourceType": "metric_aggregated",
                "_embedded": {"items": items},
                "page": block,
                "_links": _links(req, page, size, block["totalPages"]),
            },
        )
