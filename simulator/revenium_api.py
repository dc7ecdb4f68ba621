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

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

import numpy as np
import orjson

from simulator import catalogue as cat
from simulator import ids
from simulator import revenium_agentic as ag
from simulator import revenium_analytics as an
from simulator import revenium_media as media
from simulator.ids import name_hashid
from simulator.prices import MODELS, PROVIDERS
from simulator.ratelimit import Decision, FixedWindowLimiter
from simulator.responses import Request, Response, json_response
from simulator.timefmt import TimeParseError, datetime_to_ms_ceil, day_of_ms, iso_ms, parse_iso
from simulator.views import DaySlice, SortedRows, all_rows, revenium_team_rows, window_slices
from simulator.world import DayCalls, World

COMPLETIONS_PATH = "/profitstream/v2/api/sources/metrics/ai/completions"
ANALYTICS_PREFIX = "/api/v2/analytics/"
METRICS_PREFIX = "/profitstream/v2/api/sources/metrics/"
DEFAULT_SIZE = 20
MAX_SIZE = 100
DEFAULT_WINDOW = timedelta(hours=24)
INVALID_KEY = "Invalid or inactive API key"
ANALYTICS_RATE = 100  # requests per second per key (Revenium §6)
PLATFORM_RATE = 50


PROMPT_MARKER = "PROMPT-TEXT-NEVER-LAND-7f3a"
CREDENTIAL_MARKER = "rev_sk_live_NEVERLAND_c41d"
ENVELOPES = ("hal", "hal_empty_embedded", "bare", "content")


@dataclass
class ReveniumOptions:
    """Switches for behaviour the docs leave open, and for tests (see the module docstring)."""

    envelope: str = "hal"
    serve_prompts: bool = False
    squads_envelope: str = "bare"  # squads lists: a bare array (CLI+) or, with "hal", the list envelope
    soft_delete_share: float = 0.0  # share of completions soft-deleted: they vanish from lists
    late_share: float = 0.0  # share of completions that reach the list late ...
    late_delay_ms: int = 2 * 3_600_000  # ... this long after their requestTime

    def __post_init__(self) -> None:
        if self.envelope not in ENVELOPES:
            raise ValueError(f"envelope must be one of {ENVELOPES}, got {self.envelope!r}")


def soft_deleted(calls: DayCalls, rows: np.ndarray, share: float) -> np.ndarray:
    """Which of ``rows`` are soft-deleted: a fixed pseudo-random subset (by metric id) of about ``share``."""
    return (calls.metric_id[rows] % np.uint64(10_000)).astype(np.int64) < int(round(share * 10_000))


def arrives_late(calls: DayCalls, rows: np.ndarray, share: float) -> np.ndarray:
    """Which of ``rows`` reach the list late (a subset independent of the soft-deleted one)."""
    return ((calls.metric_id[rows] // np.uint64(10_000)) % np.uint64(10_000)).astype(np.int64) < int(
        round(share * 10_000)
    )


def _still_listed(sl: DaySlice, options: ReveniumOptions, cutoff: int) -> DaySlice:
    """The slice without soft-deleted rows and without late rows not yet arrived at ``cutoff``."""
    rows = sl.rows
    keep = np.ones(len(rows), dtype=bool)
    if options.soft_delete_share:
        keep &= ~soft_deleted(sl.calls, rows, options.soft_delete_share)
    if options.late_share:
        late = arrives_late(sl.calls, rows, options.late_share)
        keep &= ~(late & (sl.calls.request_ms[rows] + options.late_delay_ms > cutoff))
    kept = rows[keep]
    return DaySlice(sl.calls, SortedRows(kept, sl.calls.request_ms[kept]), 0, len(kept))


def list_body(
    options: ReveniumOptions,
    req: Request,
    list_key: str,
    records: list[dict[str, Any]],
    block: dict[str, int],
    sort: str | None = None,
) -> Any:
    """One page of a platform list in the configured envelope."""
    if options.envelope == "bare":
        return records
    if options.envelope == "content":
        return {"content": records, "page": block}
    body: dict[str, Any] = {}
    if records:
        body["_embedded"] = {list_key: records}
    elif options.envelope == "hal_empty_embedded":
        body["_embedded"] = {}
    body["page"] = block
    body["_links"] = _links(req, block["number"], block["size"], block["totalPages"], sort)
    return body


def with_prompts(record: dict[str, Any], options: ReveniumOptions) -> dict[str, Any]:
    """The record, plus prompt text and a credential value when ``serve_prompts`` is on."""
    if not options.serve_prompts:
        return record
    record["systemPrompt"] = f"You are {record.get('agent')}. {PROMPT_MARKER}"
    record["inputMessages"] = json.dumps([{"role": "user", "content": f"hello {PROMPT_MARKER}"}])
    record["outputResponse"] = f"answer {PROMPT_MARKER}"
    if isinstance(record.get("subscriberCredential"), dict):
        record["subscriberCredential"]["value"] = f"{CREDENTIAL_MARKER}{record['id']}"
    return record


def error_response(status: int, message: str) -> Response:
    """Revenium's error bodies: ``{"error": ...}`` for auth and rate limits, ``{"details": {...}}`` else."""
    if status in (401, 403, 429) or status >= 500:
        return json_response(status, {"error": message})
    return json_response(status, {"details": {"error": message}})


class BadRequest(Exception):
    pass


class NotFound(Exception):
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


def completion_records(calls: DayCalls, rows: np.ndarray) -> list[dict[str, Any]]:
    """``completion_record`` for many rows at once: the same dicts, with the numpy work done per column.

    Reading numpy scalars one by one and formatting ids and times per record cost most of a page's
    serving time; here ids and ISO times are formatted column-wise and the rest reads plain Python lists.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return []
    trace = calls.trace[rows]
    parent = calls.parent[rows]
    req = calls.request_ms[rows].astype(np.int64)
    dur = calls.duration_ms[rows].astype(np.int64)
    ttft = calls.ttft_ms[rows].astype(np.int64)
    metric_ids = ids.base62_many(calls.metric_id[rows], ids.METRIC_ID_WIDTH)
    tx = calls.transaction_id
    parent_tx = [
        None if p < 0 else ids.hex16(v)
        for p, v in zip(parent.tolist(), tx[np.maximum(parent, 0)].tolist(), strict=True)
    ]
    trace_ids = [
        ids.hex32(h, lo)
        for h, lo in zip(calls.trace_id_hi[trace].tolist(), calls.trace_id_lo[trace].tolist(), strict=True)
    ]
    req_iso = iso_ms_many(req)
    resp_iso = iso_ms_many(req + dur)
    start_iso = iso_ms_many(req + ttft)
    columns = zip(
        rows.tolist(),
        metric_ids,
        tx[rows].tolist(),
        parent_tx,
        trace_ids,
        calls.is_error[rows].tolist(),
        dur.tolist(),
        ttft.tolist(),
        calls.input_tokens[rows].tolist(),
        calls.output_tokens[rows].tolist(),
        calls.agent[rows].tolist(),
        calls.organization[rows].tolist(),
        calls.product[rows].tolist(),
        calls.model[rows].tolist(),
        calls.provider[rows].tolist(),
        calls.in_orq[rows].tolist(),
        calls.in_helicone[rows].tolist(),
        calls.cache_read_tokens[rows].tolist(),
        calls.cache_write_tokens[rows].tolist(),
        calls.reasoning_tokens[rows].tolist(),
        calls.input_cost[rows].tolist(),
        calls.output_cost[rows].tolist(),
        calls.cache_read_cost[rows].tolist(),
        calls.cache_write_cost[rows].tolist(),
        calls.total_cost[rows].tolist(),
        calls.stop_reason[rows].tolist(),
        calls.error_kind[rows].tolist(),
        req_iso,
        resp_iso,
        start_iso,
        calls.is_streamed[rows].tolist(),
        calls.trace_type[rows].tolist(),
        calls.trace_name[rows].tolist(),
        calls.environment[rows].tolist(),
        calls.region[rows].tolist(),
        calls.subscriber[rows].tolist(),
        calls.credential[rows].tolist(),
        strict=True,
    )
    out = []
    for (
        i, metric_id, tx_id, parent_id, trace_id, error, duration, first_token, inp, outp, agent_code, org,
        product, model, provider, in_orq, in_helicone, cache_read, cache_write, reasoning, input_cost,
        output_cost, cache_read_cost, cache_write_cost, total_cost, stop, error_kind, request_time,
        response_time, start_time, streamed, trace_type, trace_name, environment, region, subscriber,
        credential,
    ) in columns:  # fmt: skip
        agent = cat.AGENTS[agent_code]
        out.append(
            {
                "id": metric_id,
                "transactionId": ids.hex16(tx_id),
                "metricType": "COMPLETION",
                "model": MODELS[model].name,
                "provider": PROVIDERS[provider].name,
                "modelSource": "ORQ" if in_orq else "HELICONE" if in_helicone else "DIRECT",
                "operationType": agent.operation_type,
                "inputTokenCount": inp,
                "outputTokenCount": outp,
                "totalTokenCount": inp + outp,
                "cacheReadTokenCount": cache_read,
                "cacheCreationTokenCount": cache_write,
                "reasoningTokenCount": reasoning,
                "inputTokenCost": input_cost / 1e9,
                "outputTokenCost": output_cost / 1e9,
                "cacheReadTokenCost": cache_read_cost / 1e9,
                "cacheCreationTokenCost": cache_write_cost / 1e9,
                "totalCost": total_cost / 1e9,
                "timeToFirstToken": None if error else first_token,
                "requestDuration": duration,
                "tokensPerMinute": round((inp + outp) * 60_000 / max(duration, 1), 2),
                "stopReason": cat.STOP_REASONS[stop],
                "errorReason": cat.ERROR_KINDS[error_kind][0] if error else None,
                "requestTime": request_time,
                "responseTime": response_time,
                "completionStartTime": None if error else start_time,
                "isStreamed": streamed,
                "traceId": trace_id,
                "parentTransactionId": parent_id,
                "traceType": cat.TRACE_TYPES[trace_type].name,
                "traceName": cat.TRACE_NAMES[trace_name],
                "taskType": agent.task_type,
                "agent": agent.name,
                "squadId": calls.squad_id_str(i),
                "agenticJobId": calls.job_id_str(i),
                "environment": cat.ENVIRONMENTS[environment][0],
                "region": cat.REGIONS[region][0],
                "organization": dict(_ORG_REFS[org]),
                "product": dict(_PRODUCT_REFS[product]),
                "subscriber": dict(_SUBSCRIBER_REFS[subscriber]),
                "subscriberCredential": dict(_CREDENTIAL_REFS[credential]),
                "subscriptionId": _SUBSCRIPTIONS[(org, product)],
            }
        )
    return out


def iso_ms_many(ms: np.ndarray) -> list[str]:
    """``iso_ms`` of many epoch milliseconds, formatted by numpy."""
    text = np.datetime_as_string(np.asarray(ms, dtype=np.int64).astype("datetime64[ms]"), unit="ms")
    return [t + "Z" for t in text.tolist()]


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


def _runs_by_day(rows: list[tuple[DayCalls, int]]) -> Iterator[tuple[DayCalls, np.ndarray]]:
    """A page's rows as runs of rows of the same day, in order."""
    start = 0
    while start < len(rows):
        calls = rows[start][0]
        end = start
        while end < len(rows) and rows[end][0] is calls:
            end += 1
        yield calls, np.array([i for _, i in rows[start:end]], dtype=np.int64)
        start = end


def _records_of(rows: list[tuple[DayCalls, int]]) -> list[dict[str, Any]]:
    """The records of a page's rows, in order, built per run of rows from the same day."""
    return [record for calls, run in _runs_by_day(rows) for record in completion_records(calls, run)]


def _rendered_records(calls: DayCalls) -> np.ndarray:
    """The day's completion records as encoded JSON, by row; None where a row was never served."""
    return calls.view("revenium_completion_json", lambda c: np.full(c.n, None, dtype=object))


def _encoded_records_of(rows: list[tuple[DayCalls, int]]) -> list[orjson.Fragment]:
    """``_records_of`` already encoded, each record rendered once per day and kept with the day.

    A record's content depends only on its call, never on the request (visibility, soft deletes and
    late arrival choose rows, not fields), so a row served again — a re-run, a backfill, the benchmark's
    second read — costs a join of bytes instead of building and encoding its dict again.
    """
    out: list[orjson.Fragment] = []
    for calls, run in _runs_by_day(rows):
        rendered = _rendered_records(calls)
        missing = run[np.equal(rendered[run], None)]
        if len(missing):
            for row, record in zip(missing.tolist(), completion_records(calls, missing), strict=True):
                rendered[row] = orjson.dumps(record)
        out += [orjson.Fragment(b) for b in rendered[run].tolist()]
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
        handler: Callable[[], Response] | None = None
        if path == COMPLETIONS_PATH:
            handler = lambda: self._completions(req)  # noqa: E731
        else:
            handler = agentic_route(self, req, path)
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
        if self.options.soft_delete_share or self.options.late_share:
            slices = [_still_listed(sl, self.options, cutoff) for sl in slices]
        total = sum(s.count for s in slices)
        rows = page_of(slices, page * size, size, desc)
        block = _page_block(size, total, page)
        if self.options.serve_prompts:
            records: list[Any] = [with_prompts(r, self.options) for r in _records_of(rows)]
        else:
            records = _encoded_records_of(rows)
        sort = "timestamp,desc" if desc else "timestamp,asc"
        body = list_body(self.options, req, "aICompletionMetricResourceList", records, block, sort)
        return json_response(200, body)


# -- the analytics host ---------------------------------------------------------------------------------
# endpoint dimension -> (DayCalls column, code -> group name)
ANALYTICS_EXTRA = (
    "revenue-per-customer",
    "revenue-per-product",
    "profit-margin-per-customer",
    "profit-margin-per-product",
    "tool-success-rate",
    "top-tools-by-call-count",
    "trace-cost-distribution",
    "jobs/roi-summary",
    "response-time-by-model",
    "response-time-by-vendor",
    "tool-latency",
    "agent-tool-breakdown",
    "cost-by-tool-aggregated",
    "cost-by-tool-provider-aggregated",
    "task-completion-aggregated",
    "task-performance-by-agent",
    "tasks-completed-by-agent",
    "avg-time-by-agent",
    "top-movers",
    "cost-by-vendor",
)
# Family-A endpoints beyond cost-by-<AGGREGATED_DIMENSIONS> (see revenium_analytics).
TIMESERIES_EXTRA = (
    "cost-by-team",
    "cost-by-tool",
    "cost-by-tool-provider",
    "tokens-per-minute",
    "token-vs-tool-cost",
    "task-completion",
)
PROVIDER_INDEX = {p.name: i for i, p in enumerate(PROVIDERS)}
AGGREGATED_DIMENSIONS: dict[str, tuple[str, list[str]]] = {
    "provider": ("provider", [p.name for p in PROVIDERS]),
    "model": ("model", [m.name for m in MODELS] + [mm.name for mm in media.MEDIA_MODELS]),
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
    # Media calls (audio, image, video) are metered calls too: the figure covers every modality.
    end = min(end, cutoff + 1)
    if end > start:
        for day in world.days(day_of_ms(max(start, 0)), day_of_ms(end - 1) + timedelta(days=1)):
            calls = world.calls(day)
            m = media.media_of(calls)
            rows = np.flatnonzero((m.request_ms >= start) & (m.request_ms < end))
            if not len(rows):
                continue
            if column == "provider":
                codes = np.array([PROVIDER_INDEX[media.MEDIA_MODELS[k].provider] for k in m.model[rows]])
            elif column == "model":
                codes = len(MODELS) + m.model[rows]
            else:
                codes = getattr(calls, column)[m.parent[rows]]
            for g, c in zip(codes.tolist(), m.cost[rows].tolist(), strict=True):
                cost[g] += int(c)
                count[g] += 1
    return cost, count


def _buckets(start: int, end: int, span: int) -> list[tuple[int, int]]:
    """[start, end) cut into the automatic interval's buckets, aligned on UTC hours, days or months."""
    if span <= 48 * 3_600_000:
        step = 3_600_000
    elif span <= 90 * 86_400_000:
        step = 86_400_000
    else:
        step = 0
    out = []
    if step:
        cursor = start - start % step
        while cursor < end:
            out.append((max(cursor, start), min(cursor + step, end)))
            cursor += step
        return out
    day = day_of_ms(start).replace(day=1)
    while datetime_to_ms_ceil(datetime.combine(day, time(), UTC)) < end:
        nxt = (day + timedelta(days=32)).replace(day=1)
        b0 = datetime_to_ms_ceil(datetime.combine(day, time(), UTC))
        b1 = datetime_to_ms_ceil(datetime.combine(nxt, time(), UTC))
        out.append((max(b0, start), min(b1, end)))
        day = nxt
    return out


def _cost_groups(nanos: dict[str, int]) -> list[dict[str, Any]]:
    """Groups ordered by cost desc then name, each with its ``cost`` (MONEY, USD)."""
    return [
        {
            "groupName": k,
            "metrics": [{"label": "cost", "metricResult": nanos[k] / 1e9, "metricType": "MONEY"}],
        }
        for k in sorted(nanos, key=lambda k: (-nanos[k], k))
    ]


TOP_MOVER_GROUPS = ("model", "agent")


def top_movers(world: World, group_by: str, start: int, end: int, cutoff: int) -> list[dict[str, Any]]:
    """Cost per model or agent in [start, end) against the previous period of equal length [I]:
    ``currentValue``/``previousValue`` (USD), ``metricResult`` = current - previous, ``trend`` UP when the
    cost grew (or stayed), else DOWN; every group with cost in either period, largest absolute change first."""
    group_by = group_by.lower()
    if group_by not in TOP_MOVER_GROUPS:
        raise BadRequest(f"groupBy must be one of {', '.join(TOP_MOVER_GROUPS)}")
    column, names = AGGREGATED_DIMENSIONS[group_by]
    now, n_now = cost_by(world, column, len(names), start, end, cutoff)
    before, n_before = cost_by(world, column, len(names), 2 * start - end, start, cutoff)
    groups = [g for g in range(len(names)) if n_now[g] or n_before[g]]
    groups.sort(key=lambda g: (-abs(now[g] - before[g]), names[g]))
    return [
        {"groupName": names[g], "metrics": [
            {"label": "costChange", "metricResult": (now[g] - before[g]) / 1e9, "metricType": "MONEY",
             "currentValue": now[g] / 1e9, "previousValue": before[g] / 1e9,
             "trend": "UP" if now[g] >= before[g] else "DOWN"}]}
        for g in groups
    ]  # fmt: skip


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
        if name in ANALYTICS_EXTRA:
            if req.method != "GET":
                return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
            try:
                return self._extra(req, name)
            except BadRequest as exc:
                return error_response(400, str(exc))
        if name in TIMESERIES_EXTRA:
            if req.method != "GET":
                return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
            try:
                return self._series(req, self._series_groups(req, name))
            except BadRequest as exc:
                return error_response(400, str(exc))
        if name.startswith("cost-by-") and name[len("cost-by-") :] in AGGREGATED_DIMENSIONS:
            if req.method != "GET":
                return json_response(405, {"error": "Method Not Allowed", "status": 405, "path": req.path})
            try:
                return self._timeseries(req, *AGGREGATED_DIMENSIONS[name[len("cost-by-") :]])
            except BadRequest as exc:
                return error_response(400, str(exc))
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

    def _timeseries(self, req: Request, column: str, names: list[str]) -> Response:
        """Family A: cost per group in buckets of an hour (span <= 48 h), a day (<= 90 days) or a month."""

        def groups_of(b_start: int, b_end: int, cutoff: int) -> list[dict[str, Any]]:
            cost, count = cost_by(self.world, column, len(names), b_start, b_end, cutoff)
            return _cost_groups({names[g]: cost[g] for g in range(len(names)) if count[g]})

        return self._series(req, groups_of)

    def _series_groups(self, req: Request, name: str) -> Callable[[int, int, int], list[dict[str, Any]]]:
        """The groups of one bucket [b_start, b_end) of a TIMESERIES_EXTRA endpoint (visible up to cutoff)."""
        world = self.world
        if name == "cost-by-team":
            names = list(world.team_ids)

            def groups(b0: int, b1: int, cutoff: int) -> list[dict[str, Any]]:
                cost, count = cost_by(world, "team", len(names), b0, b1, cutoff)
                return _cost_groups({names[g]: cost[g] for g in range(len(names)) if count[g]})

            return groups
        if name in ("cost-by-tool", "cost-by-tool-provider"):
            by = "tool" if name == "cost-by-tool" else "provider"
            return lambda b0, b1, cutoff: _cost_groups(
                {k: v[0] for k, v in an.tool_cost(world, by, b0, min(b1, cutoff + 1)).items()}
            )
        if name == "token-vs-tool-cost":

            def split(b0: int, b1: int, cutoff: int) -> list[dict[str, Any]]:
                cost, count = cost_by(world, "provider", len(PROVIDERS), b0, b1, cutoff)
                tools = an.tool_cost(world, "tool", b0, min(b1, cutoff + 1))
                figures = {"Token Costs": sum(cost), "Tool Costs": sum(v[0] for v in tools.values())}
                return _cost_groups(figures)

            return split
        if name == "task-completion":
            return lambda b0, b1, cutoff: [
                {"groupName": k, "metrics": [
                    {"label": "completedTasks", "metricResult": v[1], "metricType": "COUNT"}]}
                for k, v in sorted(an.tasks_by_agent(world, b0, min(b1, cutoff + 1)).items())
            ]  # fmt: skip
        token_type = (req.param("tokenType") or "TOTAL").upper()
        if token_type not in an.TOKEN_TYPES:
            raise BadRequest(f"tokenType must be one of {', '.join(an.TOKEN_TYPES)}")

        def per_minute(b0: int, b1: int, cutoff: int) -> list[dict[str, Any]]:
            tokens = an.tokens_by_provider(world, token_type, b0, min(b1, cutoff + 1))
            minutes = (b1 - b0) / 60_000
            return [
                {"groupName": k, "metrics": [
                    {"label": "tokensPerMinute", "metricResult": round(tokens[k] / minutes, 6),
                     "metricType": "COUNT", "tokenType": token_type}]}
                for k in sorted(tokens, key=lambda k: (-tokens[k], k))
            ]  # fmt: skip

        return per_minute

    def _series(self, req: Request, groups_of: Callable[[int, int, int], list[dict[str, Any]]]) -> Response:
        cutoff = self.cutoff_ms()
        start, end = _parse_window(req, cutoff)
        items = [
            {"startTimestamp": iso_ms(b_start), "endTimestamp": iso_ms(b_end), "groups": groups_of(b_start, b_end, cutoff)}
            for b_start, b_end in _buckets(start, end, end - start)
        ]  # fmt: skip
        return json_response(
            200,
            {
                "resourceType": "metric_timeseries",
                "_embedded": {"items": items},
                "_links": {"self": {"href": _href(req)}},
            },
        )

    def _extra(self, req: Request, name: str) -> Response:
        cutoff = self.cutoff_ms()
        start, end = _parse_window(req, cutoff)
        end = min(end, cutoff + 1)
        if name == "trace-cost-distribution":
            points = an.trace_cost_points(self.world, start, end)
            return json_response(200, {"resourceType": "scatter_chart", "dataPoints": points})
        if name == "jobs/roi-summary":
            body = an.roi_summary(self.world, start, end, req.param("jobType"))
            body["_links"] = {"self": {"href": _href(req)}}
            return json_response(200, body)
        if name == "top-movers":
            items = top_movers(self.world, req.param("groupBy") or "model", start, end, cutoff)
        elif name == "cost-by-vendor":
            cost, count = cost_by(self.world, "provider", len(PROVIDERS), start, end, cutoff)
            items = _cost_groups({PROVIDERS[g].name: cost[g] for g in range(len(PROVIDERS)) if count[g]})
        else:
            items = (
                an.aggregated_items(self.world, name, start, end)
                or an.more_items(self.world, name, start, end)
                or an.task_items(self.world, name, start, end)
                or []
            )
        page, size = _paging(req)
        block = _page_block(size, len(items), page)
        return json_response(
            200,
            {
                "resourceType": "metric_aggregated",
                "_embedded": {"items": items[page * size : (page + 1) * size]},
                "page": block,
                "_links": _links(req, page, size, block["totalPages"]),
            },
        )

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


# -- agentic surfaces of the platform host (traces, tool events, squads, jobs; see revenium_agentic) -----
TRACES_PATH = "/profitstream/v2/api/sources/metrics/ai/traces"
TOOL_EVENTS_PATH = "/profitstream/v2/api/sources/metrics/tool/events"
SQUADS_PATH = "/profitstream/v2/api/squads"
JOBS_PATH = "/profitstream/v2/api/jobs"


AI_PATH = "/profitstream/v2/api/sources/metrics/ai"
MEDIA_PATHS = {
    f"{AI_PATH}/audio": ("AUDIO", "aIAudioMetricResourceList"),
    f"{AI_PATH}/images": ("IMAGE", "aIImageMetricResourceList"),
    f"{AI_PATH}/video": ("VIDEO", "aIVideoMetricResourceList"),
}
METRIC_TYPES = ("COMPLETION", *media.MODALITIES)
COMMON_FIELDS = (
    "id", "transactionId", "metricType", "model", "provider", "modelSource", "operationType", "totalCost",
    "requestTime", "responseTime", "requestDuration", "errorReason", "traceId", "parentTransactionId",
    "traceType", "traceName", "taskType", "agent", "squadId", "agenticJobId", "environment", "region",
    "organization", "product", "subscriber", "subscriberCredential",
)  # fmt: skip


def _metric_type(req: Request) -> str | None:
    value = req.param("metricType")
    if not value:
        return None
    if value.upper() not in METRIC_TYPES:
        raise BadRequest(f"Invalid metricType {value!r}; use one of {', '.join(METRIC_TYPES)}")
    return value.upper()


def ai_table(c: DayCalls, metric_type: str | None) -> ag.DayTable:
    """``/ai``: every modality's calls of the day (common fields), by (request time, id)."""
    m = media.media_of(c)  # dependencies first: DayCalls.view is not re-entrant

    def build(c: DayCalls) -> ag.DayTable:
        kinds = [metric_type] if metric_type else list(METRIC_TYPES)
        times, teams, refs = [], [], []
        if "COMPLETION" in kinds:
            times.append(c.request_ms)
            teams.append(c.team)
            refs += [("c", i) for i in range(c.n)]
        for j in range(len(m.model)):
            if m.modality(j) in kinds:
                refs.append(("m", j))
        media_rows = np.array([j for kind, j in refs if kind == "m"], dtype=np.int64)
        times.append(m.request_ms[media_rows])
        teams.append(c.team[m.parent[media_rows]])
        all_times = np.concatenate(times) if times else np.zeros(0, dtype=np.int64)
        order = np.argsort(all_times, kind="stable")

        def make(k: int) -> dict[str, Any]:
            kind, j = refs[int(order[k])]
            record = completion_record(c, j) if kind == "c" else media.media_record(c, m, j, common_only=True)
            return {f: record.get(f) for f in COMMON_FIELDS}

        return ag.DayTable(all_times[order], np.concatenate(teams)[order], make)

    return c.view(("revenium:ai_table", metric_type), build)


def _sort_param(req: Request, props: tuple[str, ...], default_desc: bool, resource: str) -> bool:
    value = req.param("sort")
    if not value:
        return default_desc
    prop, _, direction = (part.strip() for part in value.partition(","))
    if prop not in props:
        raise BadRequest(f"No property '{prop}' found for type '{resource}'")
    direction = direction.lower() or "asc"
    if direction not in ("asc", "desc"):
        raise BadRequest(f"Invalid sort direction {direction!r}; use asc or desc")
    return direction == "desc"


def _period_ms(req: Request, default: str | None) -> int | None:
    value = req.param("period") or default
    if value is None:
        return None
    if value.upper() not in ag.PERIODS_MS:
        raise BadRequest(f"Invalid period {value!r}; use one of {', '.join(ag.PERIODS_MS)}")
    return ag.PERIODS_MS[value.upper()]


def _windowed_list(
    platform: ReveniumPlatform,
    req: Request,
    table: Callable[[DayCalls], ag.DayTable],
    list_key: str,
    sort_props: tuple[str, ...],
    resource: str,
    default_desc: bool = True,
    dates: bool = True,
    period_default: str | None = None,
) -> Response:
    """A HAL list of one of the per-day tables, for one team and [startDate, endDate) (or a period)."""
    team = platform.team_index(req)
    cutoff = platform.cutoff_ms()
    period = _period_ms(req, period_default)
    if dates and (req.param("startDate") or req.param("endDate") or period is None):
        start, end = _parse_window(req, cutoff)
    elif period is not None:
        start, end = cutoff - period, cutoff + 1
    else:  # no dates and no period: everything up to now
        start, end = datetime_to_ms_ceil(datetime.combine(platform.world.start_day, time(), UTC)), cutoff + 1
    page, size = _paging(req)
    desc = _sort_param(req, sort_props, default_desc, resource)
    end = min(end, cutoff + 1)
    parts: list[tuple[ag.DayTable, np.ndarray]] = []
    if end > start:
        for day in platform.world.days(day_of_ms(max(start, 0)), day_of_ms(end - 1) + timedelta(days=1)):
            t = table(platform.world.calls(day))
            parts.append((t, t.window(team, start, end)))
    total = sum(len(rows) for _, rows in parts)
    flat = [(t, int(r)) for t, rows in parts for r in rows]
    if desc:
        flat.reverse()
    records = [t.make(r) for t, r in flat[page * size : (page + 1) * size]]
    block = _page_block(size, total, page)
    sort = f"{sort_props[0]},{'desc' if desc else 'asc'}"
    return json_response(200, list_body(platform.options, req, list_key, records, block, sort))


def _find_squad(platform: ReveniumPlatform, team: int, squad_id: str) -> tuple[DayCalls, ag.SquadRun]:
    parsed = ag.parse_squad_id(squad_id)
    if parsed is not None and platform.world.start_day <= parsed[1]:
        c = platform.world.calls(parsed[1])
        for s in ag.squad_runs(c):
            if s.squad_id == squad_id and s.team == team and s.start <= platform.cutoff_ms():
                return c, s
    raise NotFound(f"squad not found: {squad_id}")


def _find_job(platform: ReveniumPlatform, team: int, job_id: str) -> tuple[DayCalls, ag.Jobs, int]:
    """A job by agenticJobId: searched day by day back from the clock (at most JOB_LOOKUP_DAYS)."""
    cutoff = platform.cutoff_ms()
    day = day_of_ms(cutoff)
    for _ in range(JOB_LOOKUP_DAYS):
        if day < platform.world.start_day:
            break
        c = platform.world.calls(day)
        jobs = ag.jobs_of(c)
        j = jobs.by_id.get(job_id)
        if j is not None and int(jobs.team[j]) == team and int(jobs.created[j]) <= cutoff:
            return c, jobs, j
        day -= timedelta(days=1)
    raise NotFound(f"job not found: {job_id}")


JOB_LOOKUP_DAYS = 400


def agentic_route(platform: ReveniumPlatform, req: Request, path: str) -> Callable[[], Response] | None:
    """The handler for an agentic path, or None (404)."""
    if path == TRACES_PATH:
        return lambda: _windowed_list(
            platform, req, ag.trace_table, "aITraceMetricResourceList", ("startTime",),
            "AITraceMetricResource", dates=ag.TRACE_DATE_FILTER,
        )  # fmt: skip
    if path in MEDIA_PATHS:
        modality, key = MEDIA_PATHS[path]
        return lambda: _windowed_list(
            platform, req, lambda c: media.media_table(c, modality), key, ("timestamp", "requestTime"),
            f"AI{modality.title()}MetricResource", default_desc=True,
        )  # fmt: skip
    if path == AI_PATH:
        return lambda: _windowed_list(
            platform, req, lambda c: ai_table(c, _metric_type(req)), "aIMetricResourceList",
            ("timestamp", "requestTime"), "AIMetricResource", default_desc=True,
        )  # fmt: skip
    if path == TOOL_EVENTS_PATH:
        return lambda: _windowed_list(
            platform, req, ag.tool_event_table, "toolEventResourceList", ("timestamp",), "ToolEventResource"
        )
    if path == JOBS_PATH:
        return lambda: _jobs_list(platform, req)
    if path == JOBS_PATH + "/types":
        return lambda: (platform.team_index(req), json_response(200, list(cat.JOB_TYPES)))[1]
    if path == JOBS_PATH + "/conversion-funnel":
        return lambda: _conversion_funnel(platform, req)
    if path.startswith(JOBS_PATH + "/"):
        job_id, _, rest = path[len(JOBS_PATH) + 1 :].partition("/")
        views = {
            "": ag.job_record,
            "roi": lambda c, jobs, j: ag.job_roi(c, jobs, j),
            "outcome/history": lambda c, jobs, j: ag.job_history(c, jobs, j),
            "transactions": lambda c, jobs, j: _paged_transactions(req, ag.job_transactions(c, jobs, j)),
        }
        if rest not in views:
            return None
        return lambda: json_response(200, views[rest](*_find_job(platform, platform.team_index(req), job_id)))
    if path == SQUADS_PATH:
        return lambda: _squads_list(platform, req, entities=False)
    if path == SQUADS_PATH + "/entities":
        return lambda: _squads_list(platform, req, entities=True)
    if path.startswith(SQUADS_PATH + "/"):
        squad_id, _, rest = path[len(SQUADS_PATH) + 1 :].partition("/")
        if rest == "":
            return lambda: json_response(
                200,
                ag.squad_execution_record(_find_squad(platform, platform.team_index(req), squad_id)[1], True),
            )
        if rest == "timeline":
            return lambda: json_response(
                200, ag.squad_timeline(*_find_squad(platform, platform.team_index(req), squad_id))
            )
    return None


def _paged_transactions(req: Request, events: list[dict[str, Any]]) -> dict[str, Any]:
    page, size = _paging(req)
    return {"transactions": events[page * size : (page + 1) * size], "totalCount": len(events)}


def _squads_list(platform: ReveniumPlatform, req: Request, entities: bool) -> Response:
    team = platform.team_index(req)
    period = _period_ms(req, ag.DEFAULT_SQUAD_PERIOD) or 0
    runs = ag.runs_in_period(platform.world, team, platform.cutoff_ms(), period)
    if entities:
        records = ag.squad_entities(runs)
        key = "squadResourceList"
    else:
        records = [ag.squad_execution_record(s) for _, s in reversed(runs)]  # newest first
        key = "squadExecutionResourceList"
    if platform.options.squads_envelope == "bare":
        return json_response(200, records)
    block = _page_block(max(len(records), 1), len(records), 0)
    return json_response(200, list_body(platform.options, req, key, records, block))


def _job_filter(req: Request) -> Callable[[dict[str, Any]], bool]:
    wanted = {k: (req.param(k) or "").upper() for k in ("executionStatus", "outcomeType")}
    job_type = req.param("type") or req.param("jobType")
    for name, value in wanted.items():
        allowed = {"executionStatus": ("SUCCESS", "FAILED", "CANCELLED")}.get(
            name, ("CONVERTED", "ESCALATED", "DEFLECTED", "UNSUCCESSFUL", "CUSTOM", "PENDING")
        )
        if value and value not in allowed:
            raise BadRequest(
                f"Failed to convert value {value!r} to io.hypercurrent.profitstream.jobs.{name[0].upper()}{name[1:]}"
            )

    def keep(record: dict[str, Any]) -> bool:
        if job_type and record["type"] != job_type.lower():
            return False
        if wanted["executionStatus"] and record["executionStatus"] != wanted["executionStatus"]:
            return False
        outcome = wanted["outcomeType"]
        if outcome == "PENDING":
            return not record["hasOutcome"]
        return not outcome or record["outcomeType"] == outcome

    return keep


def _jobs_list(platform: ReveniumPlatform, req: Request) -> Response:
    keep = _job_filter(req)
    filtered = any(req.param(k) for k in ("executionStatus", "outcomeType", "type", "jobType"))
    if not filtered:
        return _windowed_list(platform, req, ag.job_table, "jobResourceList", ("created",), "JobResource")
    team = platform.team_index(req)
    cutoff = platform.cutoff_ms()
    start, end = _parse_window(req, cutoff)
    end = min(end, cutoff + 1)
    records = []
    if end > start:
        for day in platform.world.days(day_of_ms(max(start, 0)), day_of_ms(end - 1) + timedelta(days=1)):
            t = ag.job_table(platform.world.calls(day))
            records += [r for r in map(t.make, t.window(team, start, end).tolist()) if keep(r)]
    page, size = _paging(req)
    desc = _sort_param(req, ("created",), True, "JobResource")
    if desc:
        records.reverse()
    block = _page_block(size, len(records), page)
    body = list_body(
        platform.options, req, "jobResourceList", records[page * size : (page + 1) * size], block
    )
    return json_response(200, body)


def _conversion_funnel(platform: ReveniumPlatform, req: Request) -> Response:
    team = platform.team_index(req)
    cutoff = platform.cutoff_ms()
    start, end = _parse_window(req, cutoff)
    end = min(end, cutoff + 1)
    job_type, env = req.param("jobType"), req.param("environment")
    total = successful = converted = 0
    if end > start:
        for day in platform.world.days(day_of_ms(max(start, 0)), day_of_ms(end - 1) + timedelta(days=1)):
            t = ag.job_table(platform.world.calls(day))
            for r in map(t.make, t.window(team, start, end).tolist()):
                if job_type and r["type"] != job_type.lower():
                    continue
                if env and json.loads(r["outcomeMetadata"] or "{}").get("environment", env) != env:
                    continue
                total += 1
                successful += r["executionStatus"] == "SUCCESS"
                converted += r["outcomeType"] == "CONVERTED"
    return json_response(
        200,
        {
            "totalJobs": total,
            "successfulJobs": successful,
            "convertedJobs": converted,
            "successRate": round(successful / total, 4) if total else 0.0,
            "conversionRate": round(converted / total, 4) if total else 0.0,
        },
    )
