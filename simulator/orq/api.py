"""orq.ai's reporting API (``my.orq.ai``): ``POST /v2/reporting`` over the calls routed through orq.

The same face serves traces and spans (``POST /v3/traces/search``, ``GET /v3/traces/{id}/spans``): see
``simulator.orq.traces``.

Request ``QueryReportRequest``, response ``QueryReportResponse`` (helicone-orq.md §B.1, the vendored
spec). Supported:

* metrics ``genai.requests``, ``genai.errors``, ``genai.error_rate`` (a fraction), ``genai.tokens``,
  ``genai.cost`` (USD), ``genai.latency.p50/p95/p99`` and ``genai.ttft.avg/p50/p95`` (milliseconds; TTFT
  over successful calls only), and the bundle ``genai.usage`` (keys in ``USAGE_KEYS``). Other catalogue
  metrics (evaluators, guardrails) are 400 ``{"code": "invalid_argument", ...}``: this world has none;
* ``group_by`` and ``filters`` fields ``project`` (the product), ``identity`` (the organization),
  ``provider`` (lower case, e.g. ``openai``), ``model``, ``agent`` and ``api_key`` (the key alias);
  filter ops ``eq``/``neq`` (one value) and ``in``/``not_in`` (1-100 values), up to 20 filters, ANDed;
* ``grain`` ``minute|hour|day`` or ``auto``; ``time_zone`` (IANA) moves bucket boundaries, timestamps stay
  UTC; ``mode`` ``timeseries`` (time-ordered buckets, then by dimension values) or ``scalar`` (one row
  per group over the window, ordered by value, ``sort`` desc by default, no timestamp);
* ``limit`` defaults to 1000 (also when 0, protobuf's unset) and is capped at 5000 silently; rows past it
  are dropped and ``has_more`` is always false; ``include_totals`` adds totals over the whole window.

Values are rounded to 10 significant digits. ``meta.request_id`` (also the ``X-Request-Id`` header) is a
hash of the request body, so identical requests give identical bytes. Buckets without calls are omitted.

Inferred [I] and configurable here: the ``auto`` grain rule (``AUTO_GRAIN``: window <= 6 h -> minute,
<= 14 days -> hour, else day); ``genai.tokens`` = prompt tokens including cache reads and writes +
completion tokens (reasoning included), the OpenAI-style total orq reports in its trace usage; the
``genai.usage`` keys; latency percentiles are linear-interpolated; the error bodies (gRPC-gateway style
``{"code", "message"}``); 401 for a missing or wrong Bearer key. orq publishes no rate limit, so none here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from simulator import catalogue as cat
from simulator.observers import orq_costs
from simulator.orq.traces import SEARCH_PATH, SPANS_PREFIX, OrqTraces, TraceError
from simulator.prices import MODELS, PROVIDERS
from simulator.responses import Request, Response, encode_json, json_response
from simulator.timefmt import TimeParseError, datetime_to_ms_ceil, iso_seconds, parse_iso
from simulator.views import orq_rows, window_slices
from simulator.world import World

REPORTING_PATH = "/v2/reporting"
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
MAX_FILTERS = 20
MAX_FILTER_VALUES = 100
GRAIN_MS = {"minute": 60_000, "hour": 3_600_000, "day": 86_400_000}
# auto grain: the first rule whose window bound is not exceeded wins
AUTO_GRAIN: tuple[tuple[timedelta, str], ...] = ((timedelta(hours=6), "minute"), (timedelta(days=14), "hour"))
AUTO_GRAIN_OTHERWISE = "day"

DIMENSIONS: dict[str, tuple[str, list[str]]] = {  # public name -> (DayCalls column, labels by code)
    "project": ("product", [p.name for p in cat.PRODUCTS]),
    "identity": ("organization", [o.name for o in cat.ORGANIZATIONS]),
    "provider": ("provider", [p.orq_name for p in PROVIDERS]),
    "model": ("model", [m.name for m in MODELS]),
    "agent": ("agent", [a.name for a in cat.AGENTS]),
    "api_key": ("credential", [c.label for c in cat.CREDENTIALS]),
}
USAGE_KEYS = {  # genai.usage bundle key -> base measure
    "genai.usage.requests": "requests",
    "genai.usage.input_tokens": "input_tokens",
    "genai.usage.output_tokens": "output_tokens",
    "genai.usage.total_tokens": "tokens",
    "genai.usage.cost": "cost",
}
METRICS = (
    "genai.requests", "genai.errors", "genai.error_rate", "genai.tokens", "genai.cost", "genai.latency.p50",
    "genai.latency.p95", "genai.latency.p99", "genai.ttft.avg", "genai.ttft.p50", "genai.ttft.p95",
    "genai.usage",
)  # fmt: skip


class InvalidArgument(Exception):
    pass


def error_response(status: int, message: str) -> Response:
    codes = {400: "invalid_argument", 401: "unauthenticated", 403: "permission_denied", 404: "not_found",
             405: "unimplemented", 429: "resource_exhausted", 503: "unavailable", 504: "deadline_exceeded"}  # fmt: skip
    return json_response(status, {"code": codes.get(status, "internal"), "message": message})


def round10(value: float) -> float:
    """Ten significant digits, as the reporting API pre-rounds every value."""
    return float(f"{value:.10g}")


# -- the request ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    metric: str
    start_ms: int
    end_ms: int
    grain: str
    group_by: tuple[str, ...]
    filters: tuple[tuple[str, bool, frozenset[str]], ...]  # (field, negated, values)
    limit: int
    zone: ZoneInfo | None
    include_totals: bool
    scalar: bool
    ascending: bool


def _time(body: dict[str, Any], name: str) -> datetime:
    value = body.get(name)
    if value is None:
        raise InvalidArgument(f"{name} is required")
    try:
        return parse_iso(value, assume_utc=False)
    except (TimeParseError, TypeError) as exc:
        raise InvalidArgument(f"{name} must be an RFC 3339 timestamp with a zone, got {value!r}") from exc


def _choice(body: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(name)
    if value is None or value == "":
        return default
    if value not in allowed:
        raise InvalidArgument(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def parse_query(body: Any) -> Query:
    if not isinstance(body, dict):
        raise InvalidArgument("the request body must be a JSON object")
    metric = body.get("metric")
    if not metric:
        raise InvalidArgument("metric is required")
    if metric not in METRICS:
        raise InvalidArgument(f"unsupported metric: {metric!r}; supported: {', '.join(METRICS)}")
    start, end = _time(body, "from"), _time(body, "to")
    if end <= start:
        raise InvalidArgument("to must be after from")
    grain = _choice(body, "grain", ("auto", "minute", "hour", "day"), "auto")
    if grain == "auto":
        grain = next((g for bound, g in AUTO_GRAIN if end - start <= bound), AUTO_GRAIN_OTHERWISE)
    group_by = body.get("group_by") or []
    if not isinstance(group_by, list) or not all(isinstance(g, str) for g in group_by):
        raise InvalidArgument("group_by must be a list of dimension names")
    for g in group_by:
        if g not in DIMENSIONS:
            raise InvalidArgument(f"group_by dimension {g!r} is not supported for {metric}")
    filters = body.get("filters") or []
    if not isinstance(filters, list) or len(filters) > MAX_FILTERS:
        raise InvalidArgument(f"filters must be a list of at most {MAX_FILTERS} predicates")
    parsed = []
    for f in filters:
        if not isinstance(f, dict):
            raise InvalidArgument("each filter must be an object {field, op, values}")
        field, op, values = f.get("field"), f.get("op"), f.get("values")
        if field not in DIMENSIONS:
            raise InvalidArgument(f"filter field {field!r} is not supported for {metric}")
        if op not in ("eq", "neq", "in", "not_in"):
            raise InvalidArgument(f"filter op must be eq, neq, in or not_in, got {op!r}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InvalidArgument("filter values must be a list of strings")
        if op in ("eq", "neq") and len(values) != 1:
            raise InvalidArgument(f"{op} takes exactly one value")
        if op in ("in", "not_in") and not 1 <= len(values) <= MAX_FILTER_VALUES:
            raise InvalidArgument(f"{op} takes 1 to {MAX_FILTER_VALUES} values")
        parsed.append((field, op in ("neq", "not_in"), frozenset(values)))
    limit = body.get("limit")
    if limit is None or limit == 0:
        limit = DEFAULT_LIMIT
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise InvalidArgument(f"limit must be a non-negative integer, got {limit!r}")
    zone_name = body.get("time_zone") or "UTC"
    try:
        zone = None if zone_name in ("UTC", "Etc/UTC") else ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise InvalidArgument(f"unknown time_zone: {zone_name!r}") from exc
    mode = _choice(body, "mode", ("timeseries", "scalar"), "timeseries")
    sort = _choice(body, "sort", ("desc", "asc"), "desc")
    return Query(
        metric=metric,
        start_ms=datetime_to_ms_ceil(start),
        end_ms=datetime_to_ms_ceil(end),
        grain=grain,
        group_by=tuple(dict.fromkeys(group_by)),
        filters=tuple(parsed),
        limit=min(limit, MAX_LIMIT),
        zone=zone,
        include_totals=bool(body.get("include_totals")),
        scalar=mode == "scalar",
        ascending=sort == "asc",
    )


# -- buckets --------------------------------------------------------------------------------------------
def bucket_starts(start_ms: int, end_ms: int, grain: str, zone: ZoneInfo | None) -> np.ndarray:
    """Bucket start instants (epoch ms) covering [start_ms, end_ms); the first is at or before start_ms."""
    tz = zone or UTC
    first = datetime.fromtimestamp(start_ms / 1000, tz)
    if grain == "day":
        # Local midnights: a day bucket is 23 or 25 hours long across a DST change.
        day, last = first.date(), datetime.fromtimestamp((end_ms - 1) / 1000, tz).date()
        starts = []
        while day <= last:
            midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
            starts.append(int(midnight.timestamp() * 1000))
            day += timedelta(days=1)
        return np.array(starts, dtype=np.int64)
    step = GRAIN_MS[grain]
    floored = (
        first.replace(second=0, microsecond=0)
        if grain == "minute"
        else first.replace(minute=0, second=0, microsecond=0)
    )
    origin = int(floored.timestamp() * 1000)
    return np.arange(origin, end_ms, step, dtype=np.int64)


# -- measures -------------------------------------------------------------------------------------------
@dataclass
class Frame:
    """The calls a query reads, as flat columns."""

    time: np.ndarray
    codes: dict[str, np.ndarray]
    error: np.ndarray
    cost: np.ndarray  # nano-dollars
    input_tokens: np.ndarray  # prompt incl. cache read and write
    output_tokens: np.ndarray
    duration: np.ndarray
    ttft: np.ndarray

    @property
    def n(self) -> int:
        return len(self.time)


def _frame(world: World, q: Query, cutoff_ms: int) -> Frame:
    parts = [
        (sl.calls, sl.rows)
        for sl in window_slices(world, "orq", orq_rows, q.start_ms, q.end_ms, cutoff_ms)
        if sl.count
    ]

    def col(get: Callable[[Any, np.ndarray], np.ndarray], dtype: Any = np.int64) -> np.ndarray:
        return np.concatenate([get(c, r) for c, r in parts]) if parts else np.zeros(0, dtype=dtype)

    frame = Frame(
        time=col(lambda c, r: c.request_ms[r]),
        codes={
            d: col(lambda c, r, a=attr: getattr(c, a)[r].astype(np.int64))
            for d, (attr, _) in DIMENSIONS.items()
        },
        error=col(lambda c, r: c.is_error[r], bool),
        cost=col(lambda c, r: orq_costs(c)["total_cost"][r]),
        input_tokens=col(lambda c, r: c.input_tokens[r] + c.cache_read_tokens[r] + c.cache_write_tokens[r]),
        output_tokens=col(lambda c, r: c.output_tokens[r]),
        duration=col(lambda c, r: c.duration_ms[r]),
        ttft=col(lambda c, r: c.ttft_ms[r]),
    )
    keep = np.ones(frame.n, dtype=bool)
    for field, negated, values in q.filters:
        attr, labels = DIMENSIONS[field]
        allowed = np.array([code for code, label in enumerate(labels) if label in values], dtype=np.int64)
        hit = np.isin(frame.codes[field], allowed)
        keep &= ~hit if negated else hit
    if keep.all():
        return frame
    return Frame(
        time=frame.time[keep],
        codes={d: c[keep] for d, c in frame.codes.items()},
        error=frame.error[keep],
        cost=frame.cost[keep],
        input_tokens=frame.input_tokens[keep],
        output_tokens=frame.output_tokens[keep],
        duration=frame.duration[keep],
        ttft=frame.ttft[keep],
    )


def _quantiles(values: np.ndarray, group: np.ndarray, groups: int, q: float) -> np.ndarray:
    """Linear-interpolated q-quantile of ``values`` per group (NaN for an empty group), vectorised."""
    out = np.full(groups, np.nan)
    if not len(values):
        return out
    order = np.lexsort((values, group))
    v, g = values[order].astype(float), group[order]
    counts = np.bincount(g, minlength=groups)
    starts = np.cumsum(counts) - counts
    present = np.flatnonzero(counts)
    pos = q * (counts[present] - 1)
    base = np.floor(pos).astype(np.int64)
    lo = starts[present] + base
    hi = starts[present] + np.minimum(base + 1, counts[present] - 1)
    out[present] = v[lo] + (pos - base) * (v[hi] - v[lo])
    return out


def measure(metric: str, f: Frame, group: np.ndarray, groups: int) -> dict[str, np.ndarray]:
    """Metric values per group: {metric key: array over groups}, NaN where undefined."""

    def total(weights: np.ndarray) -> np.ndarray:
        # float sums of integers are exact below 2**53 (nine million dollars in nano-dollars)
        return np.bincount(group, weights=weights.astype(float), minlength=groups)

    requests = np.bincount(group, minlength=groups).astype(float)
    ok = ~f.error
    base: dict[str, Callable[[], np.ndarray]] = {
        "requests": lambda: requests,
        "errors": lambda: total(f.error),
        "input_tokens": lambda: total(f.input_tokens),
        "output_tokens": lambda: total(f.output_tokens),
        "tokens": lambda: total(f.input_tokens + f.output_tokens),
        "cost": lambda: total(f.cost) / 1e9,
    }
    if metric == "genai.usage":
        return {key: base[name]() for key, name in USAGE_KEYS.items()}
    if metric in ("genai.requests", "genai.errors", "genai.tokens", "genai.cost"):
        return {metric: base[metric.removeprefix("genai.")]()}
    if metric == "genai.error_rate":
        with np.errstate(invalid="ignore", divide="ignore"):
            return {metric: total(f.error) / requests}
    if metric.startswith("genai.latency.p"):
        return {metric: _quantiles(f.duration, group, groups, int(metric[-2:]) / 100)}
    if metric == "genai.ttft.avg":
        with np.errstate(invalid="ignore", divide="ignore"):
            return {metric: total(np.where(ok, f.ttft, 0)) / total(ok)}
    if metric.startswith("genai.ttft.p"):
        return {metric: _quantiles(f.ttft[ok], group[ok], groups, int(metric[-2:]) / 100)}
    raise InvalidArgument(f"unsupported metric: {metric!r}")


# -- the report -----------------------------------------------------------------------------------------
def _metrics_of(values: dict[str, np.ndarray], g: int) -> dict[str, float]:
    return {k: round10(float(v[g])) for k, v in values.items() if not np.isnan(v[g])}


def report(world: World, q: Query, cutoff_ms: int) -> tuple[list[dict[str, Any]], dict[str, float] | None]:
    """(data rows, totals metrics or None)."""
    f = _frame(world, q, cutoff_ms)
    columns = [f.codes[d] for d in q.group_by]
    if not q.scalar:
        starts = bucket_starts(q.start_ms, q.end_ms, q.grain, q.zone)
        columns.insert(0, np.searchsorted(starts, f.time, side="right") - 1)
    if columns and f.n:
        keys, group = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
        group = group.reshape(-1)
    else:
        keys, group = np.zeros((1 if f.n else 0, 0), dtype=np.int64), np.zeros(f.n, dtype=np.int64)
    values = measure(q.metric, f, group, len(keys))

    rows = []
    for g, key in enumerate(keys):
        metrics = _metrics_of(values, g)
        if not metrics:
            continue
        key = [int(k) for k in key]
        point: dict[str, Any] = {}
        if not q.scalar:
            point["timestamp"] = iso_seconds(starts[key.pop(0)])
        labels = {d: DIMENSIONS[d][1][code] for d, code in zip(q.group_by, key, strict=True)}
        point["dimensions"] = {d: v for d, v in labels.items() if v != ""}
        point["metrics"] = metrics
        rows.append(point)
    dims = lambda p: tuple(p["dimensions"].get(d, "") for d in q.group_by)  # noqa: E731
    if q.scalar:
        primary = lambda p: next(iter(p["metrics"].values()))  # noqa: E731
        rows.sort(key=lambda p: (primary(p) if q.ascending else -primary(p), dims(p)))
    else:
        rows.sort(key=lambda p: (p["timestamp"], dims(p)))

    totals = None
    if q.include_totals:
        one = np.zeros(f.n, dtype=np.int64)
        totals = _metrics_of(measure(q.metric, f, one, 1), 0) if f.n else _empty_totals(q.metric)
    return rows[: q.limit], totals


def _empty_totals(metric: str) -> dict[str, float]:
    """Totals of an empty window: counts and sums are 0, averages and quantiles are undefined (left out)."""
    if metric == "genai.usage":
        return dict.fromkeys(USAGE_KEYS, 0.0)
    if metric in ("genai.requests", "genai.errors", "genai.tokens", "genai.cost"):
        return {metric: 0.0}
    return {}


class Orq:
    def __init__(self, world: World, api_key: str, cutoff_ms: Callable[[], int]):
        self.world = world
        self.api_key = api_key
        self.cutoff_ms = cutoff_ms
        self.traces = OrqTraces(world)

    def handle(self, req: Request) -> Response:
        request_id = (
            "req_" + hashlib.sha256(req.method.encode() + req.path.encode() + req.body).hexdigest()[:24]
        )
        response = self._handle(req, request_id)
        response.headers.append(("X-Request-Id", request_id))
        return response

    def _handle(self, req: Request, request_id: str) -> Response:
        if req.bearer_token() != self.api_key:
            return error_response(401, "missing or invalid API key")
        path = req.path.rstrip("/")
        if path == SEARCH_PATH or (path.startswith(SPANS_PREFIX) and path.endswith("/spans")):
            return self._traces(req, path)
        if path != REPORTING_PATH:
            return error_response(404, f"no route for {req.method} {req.path}")
        if req.method != "POST":
            return error_response(405, f"{req.method} is not allowed on {req.path}")
        try:
            body = req.json()
        except ValueError as exc:
            return error_response(400, f"invalid JSON body: {exc}")
        try:
            q = parse_query(body)
        except InvalidArgument as exc:
            return error_response(400, str(exc))
        rows, totals = report(self.world, q, self.cutoff_ms())
        payload: dict[str, Any] = {"object": "report", "request": body, "data": rows}
        if totals is not None:
            payload["totals"] = {"metrics": totals}
        payload["has_more"] = False
        payload["meta"] = {
            "effective_grain": q.grain,
            "row_count": len(rows),
            "request_id": request_id,
            "currency": "USD",
        }
        return Response(200, encode_json(payload))

    def _traces(self, req: Request, path: str) -> Response:
        """``POST /v3/traces/search`` and ``GET /v3/traces/{trace_id}/spans`` (see ``traces``)."""
        search = path == SEARCH_PATH
        if req.method != ("POST" if search else "GET"):
            return error_response(405, f"{req.method} is not allowed on {req.path}")
        try:
            if search:
                try:
                    body = req.json()
                except ValueError as exc:
                    return error_response(400, f"invalid JSON body: {exc}")
                payload = self.traces.search(body, self.cutoff_ms())
            else:
                trace_id = path[len(SPANS_PREFIX) : -len("/spans")]
                if not trace_id or "/" in trace_id:
                    return error_response(404, f"no route for {req.method} {req.path}")
                params = {"limit": req.param("limit"), "page_token": req.param("page_token")}
                payload = self.traces.spans(trace_id, params, self.cutoff_ms())
        except TraceError as exc:
            return error_response(exc.status, str(exc))
        return Response(200, encode_json(payload))
