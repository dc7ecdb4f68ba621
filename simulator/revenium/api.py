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

Envelope variants and test options (``ReveniumOptions``, passed as ``SimulatorServer(revenium_options=...)``
or set on ``sim.faces["revenium"].options``):

* ``envelope``: ``"hal"`` (default: ``_embedded`` + ``page`` + ``_links``, ``_embedded`` omitted on an empty
  page), ``"hal_empty_embedded"`` (an empty page still carries ``_embedded: {}`` - a key with no list),
  ``"bare"`` (a bare JSON array of the page's records, no paging metadata: clients walk pages until a short
  one) or ``"content"`` (the non-HAL Spring ``{"content": [...], "page": {...}}`` wrapper). Vendor docs §1.1
  say some endpoints answer that way; which do is NOT FOUND, so every list can be switched [I].
* ``soft_delete_share``: that share of completions (a fixed subset, by metric id) is soft-deleted and
  vanishes from the lists (totals included) [I: deletion semantics are NOT FOUND in the docs];
* ``late_share`` / ``late_delay_ms``: that share of completions (another fixed subset) is listed only
  ``late_delay_ms`` after its ``requestTime``, so a day already served grows later (late records) [I];
* ``serve_prompts``: list rows also carry ``systemPrompt``, ``inputMessages``, ``outputResponse`` (each
  containing ``PROMPT_MARKER``) and the subscriber credential's ``value`` (``CREDENTIAL_MARKER``...). The
  real list rows do not carry prompt text (it sits behind ``/completions/{id}/prompts``); the option exists
  to prove the client never lands it [I].

Rate limits (§6): bucket ``analytics`` (AI metrics reads and the analytics host, 100 req/s) and ``platform``
(other ``/profitstream`` paths, 50 req/s) per API key, 1-second windows, with ``X-RateLimit-*`` headers on
every bucketed response and a 429 with ``Retry-After`` when over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.dayindex import DayIdIndex
from simulator.ratelimit import Decision, FixedWindowLimiter
from simulator.responses import Request, Response, json_response
from simulator.revenium import analytics_routes as ar
from simulator.revenium import jobs as jb
from simulator.revenium.agentic_routes import agentic_route
from simulator.revenium.completions import metrics_route
from simulator.revenium.options import ReveniumOptions
from simulator.revenium.paging import BadRequest, NotFound, error_response
from simulator.world import World

ANALYTICS_PREFIX = "/api/v2/analytics/"
METRICS_PREFIX = "/profitstream/v2/api/sources/metrics/"
INVALID_KEY = "Invalid or inactive API key"
ANALYTICS_RATE = 100  # requests per second per key (Revenium §6)
PLATFORM_RATE = 50


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
    def __init__(
        self,
        world: World,
        api_key: str,
        cutoff_ms: Callable[[], int],
        limits: ReveniumLimits,
        options: ReveniumOptions | None = None,
    ):
        self.world = world
        self.api_key = api_key
        self.cutoff_ms = cutoff_ms
        self.limits = limits
        self.options = options or ReveniumOptions()
        self.job_days = DayIdIndex(world, jb.job_keys)  # which day holds a job id (job detail routes)

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
        path = req.path.rstrip("/")
        handler = metrics_route(self, req, path) or agentic_route(self, req, path)
        if handler is None:
            return json_response(404, {"error": "Not Found", "status": 404, "path": req.path})
        if req.method != "GET":
            return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
        try:
            return handler()
        except BadRequest as exc:
            return error_response(400, str(exc))
        except NotFound as exc:
            return error_response(404, str(exc))

    def team_index(self, req: Request) -> int:
        """The index of the request's ``teamId`` (400 when missing, 404 when unknown)."""
        team_id = req.param("teamId")
        if not team_id:
            raise BadRequest("teamId is required")
        if team_id not in self.world.team_ids:
            raise NotFound(f"team not found: {team_id}")
        return self.world.team_ids.index(team_id)


# -- the analytics host ---------------------------------------------------------------------------------
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
        if name in ar.ANALYTICS_EXTRA:
            if req.method != "GET":
                return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
            try:
                return ar.extra(self, req, name)
            except BadRequest as exc:
                return error_response(400, str(exc))
        if name in ar.TIMESERIES_EXTRA:
            if req.method != "GET":
                return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
            try:
                return ar.series(self, req, ar.series_groups(self, req, name))
            except BadRequest as exc:
                return error_response(400, str(exc))
        if name.startswith("cost-by-") and name[len("cost-by-") :] in ar.AGGREGATED_DIMENSIONS:
            if req.method != "GET":
                return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
            try:
                return ar.timeseries(self, req, *ar.AGGREGATED_DIMENSIONS[name[len("cost-by-") :]])
            except BadRequest as exc:
                return error_response(400, str(exc))
        if not (name.startswith("cost-by-") and name.endswith("-aggregated")):
            return json_response(404, {"error": "Not Found", "status": 404, "path": req.path})
        dimension = name[len("cost-by-") : -len("-aggregated")]
        if dimension not in ar.AGGREGATED_DIMENSIONS:
            return json_response(404, {"error": "Not Found", "status": 404, "path": req.path})
        if req.method != "GET":
            return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
        try:
            return ar.aggregated(self, req, *ar.AGGREGATED_DIMENSIONS[dimension])
        except BadRequest as exc:
            return error_response(400, str(exc))
