"""Helicone sessions and user metrics (helicone-orq.md §A.2, §A.3), over the requests the gateway logged.

* ``POST /v1/session/query`` ``SessionQueryParams`` ``{search, timeFilter: {startTimeUnixMs,
  endTimeUnixMs}, timezoneDifference, filter, nameEquals?, offset?, limit?}`` (the first four required,
  else 400 with the envelope): the requests with ``start <= request_created_at < end`` that match
  ``filter`` (the request filter tree of ``filters``), grouped by
  ``properties['Helicone-Session-Id']`` and ``-Name`` (every logged request carries them: a session is a
  trace of the world). ``search`` is an ilike substring on the session id or name, ``nameEquals`` an exact
  name. Per session: ``created_at = min(request_created_at)``, ``latest_request_created_at = max(...)``
  (both shifted by ``-timezoneDifference`` minutes [I]; send 0), ``total_cost``, ``total_requests``,
  ``prompt_tokens`` / ``completion_tokens`` (Helicone's convention: prompt EXCLUDES cache tokens),
  ``total_tokens`` = their sum, ``avg_latency`` (ms), ``user_ids``. Ordered ``created_at DESC`` (ties by
  session id), ``offset`` (default 0) / ``limit`` (default 50, as SessionManager's LIMIT 50; [I] no cap
  is documented, more than 1000 is refused here like the request query: 500 "invalid limit").
  Timestamps are ISO 8601 with milliseconds [I].
* ``POST /v1/user/metrics/query`` ``UserMetricsQueryParams`` ``{filter, offset, limit, timeFilter?:
  {startTimeUnixSeconds, endTimeUnixSeconds}, timeZoneDifferenceMinutes?, sort?}``: per ``user_id``
  (Helicone-User-Id) over the matching requests of the window: ``active_for`` (distinct UTC days with a
  request), ``first_active``, ``last_active``, ``total_requests``, ``average_requests_per_day_active``,
  ``average_tokens_per_request`` ((prompt + completion) / requests), ``total_prompt_tokens``,
  ``total_completion_tokens``, ``cost``; ``id`` = the user id [I]. ``limit`` above 1000 is 400
  ``{"error": "Limit cannot be greater than 1000", "data": null}``. ``sort`` is one ``SortLeafUsers`` key
  (default ``last_active`` desc, as UserManager orders; ties by user id). Answer
  ``{"users": [...], "count": <users in the window>, "hasUsers": bool}``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator.observers import helicone_cost, helicone_request_ms
from simulator.timefmt import iso_ms

SESSION_QUERY_PATH = "/v1/session/query"
USER_METRICS_PATH = "/v1/user/metrics/query"
SESSION_DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
USER_SORT_KEYS = (
    "id", "user_id", "active_for", "first_active", "last_active", "total_requests",
    "average_requests_per_day_active", "average_tokens_per_request", "total_prompt_tokens",
    "total_completion_tokens", "cost", "rate_limited_count",
)  # fmt: skip
DAY_MS = 86_400_000


def _number(value: Any, name: str, error: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise error(500 if name == "timezoneDifference" else 400, f"invalid {name}")
    return float(value)


def _gather(face: Any, flt: Any, start_ms: float, end_ms: float) -> list[tuple[Any, np.ndarray]]:
    """(day calls, matching Helicone rows) for each day of the window."""
    parts = []
    for sl in face._slices(max(start_ms, flt.start_ms), min(end_ms, flt.end_ms)):
        rows = face._matches(sl, flt)
        if len(rows):
            parts.append((sl.calls, rows))
    return parts


def query_sessions(face: Any, body: dict[str, Any], error: Any, compile_: Any) -> list[dict[str, Any]]:
    for name in ("search", "timeFilter", "timezoneDifference", "filter"):
        if name not in body:
            raise error(400, f"{name} is required")
    search = body["search"]
    if not isinstance(search, str):
        raise error(400, "search must be a string")
    window = body["timeFilter"]
    if not isinstance(window, dict):
        raise error(400, "timeFilter must be an object")
    start = _number(window.get("startTimeUnixMs"), "timeFilter.startTimeUnixMs", error)
    end = _number(window.get("endTimeUnixMs"), "timeFilter.endTimeUnixMs", error)
    try:
        shift_ms = int(_number(body["timezoneDifference"], "timezoneDifference", error)) * 60_000
    except error as exc:
        raise error(500, "Invalid timezone difference") from exc
    name_equals = body.get("nameEquals")
    offset = int(_number(body.get("offset", 0), "offset", error))
    limit = int(_number(body.get("limit", SESSION_DEFAULT_LIMIT), "limit", error))
    if limit < 0 or limit > MAX_LIMIT:
        raise error(500, "invalid limit")
    if offset < 0:
        raise error(500, "invalid offset")
    flt = compile_(body["filter"])
    # Pages of one listing ask for the same sessions with another offset: the sorted list is kept (the
    # visible end is part of the key, so a window that reaches the clock is listed again as the clock moves).
    key = (json.dumps(body["filter"], sort_keys=True), search, name_equals, start, end, shift_ms)
    key += (min(end, face.cutoff_ms()),)
    sessions = face.listing_cache.get(key)
    if sessions is None:
        sessions = _sessions(face, flt, start, end, shift_ms, search.lower(), name_equals)
        face.listing_cache.put(key, sessions)
    return sessions[offset : offset + limit]


def _sessions(
    face: Any, flt: Any, start: float, end: float, shift_ms: int, needle: str, name_equals: Any
) -> list[dict[str, Any]]:
    """Every session of the window that matches, newest first (ties by session id)."""
    sessions = []
    for calls, rows in _gather(face, flt, start, end):
        traces, inverse = np.unique(calls.trace[rows], return_inverse=True)
        inverse = inverse.reshape(-1)
        n = len(traces)
        count = np.bincount(inverse, minlength=n)
        first = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(first, inverse, helicone_request_ms(calls)[rows])
        last = np.zeros(n, dtype=np.int64)
        np.maximum.at(last, inverse, helicone_request_ms(calls)[rows])
        cost = np.bincount(inverse, weights=helicone_cost(calls)[rows].astype(float), minlength=n)
        prompt = np.bincount(inverse, weights=calls.input_tokens[rows].astype(float), minlength=n)
        completion = np.bincount(inverse, weights=calls.output_tokens[rows].astype(float), minlength=n)
        latency = np.bincount(inverse, weights=calls.duration_ms[rows].astype(float), minlength=n)
        owner = np.zeros(n, dtype=np.int64)
        owner[inverse] = rows  # any row of the session: name and user are per trace
        for k in range(n):
            i = int(owner[k])
            session_id = calls.trace_id_str(i)
            session_name = cat.TRACE_NAMES[calls.trace_name[i]]
            if needle and needle not in session_id.lower() and needle not in session_name.lower():
                continue
            if name_equals is not None and session_name != name_equals:
                continue
            p, c = int(prompt[k]), int(completion[k])
            sessions.append(
                {
                    "created_at": iso_ms(int(first[k]) - shift_ms),
                    "latest_request_created_at": iso_ms(int(last[k]) - shift_ms),
                    "session_id": session_id,
                    "session_name": session_name,
                    "total_cost": int(cost[k]) / 1e9,
                    "total_requests": int(count[k]),
                    "prompt_tokens": p,
                    "completion_tokens": c,
                    "total_tokens": p + c,
                    "avg_latency": float(latency[k] / count[k]),
                    "user_ids": [cat.SUBSCRIBERS[calls.subscriber[i]].email],
                }
            )
    sessions.sort(key=lambda s: (s["created_at"], s["session_id"]), reverse=True)
    return sessions


def query_user_metrics(face: Any, body: dict[str, Any], error: Any, compile_: Any) -> dict[str, Any]:
    for name in ("filter", "offset", "limit"):
        if name not in body:
            raise error(400, f"{name} is required")
    offset = int(_number(body["offset"], "offset", error))
    limit = int(_number(body["limit"], "limit", error))
    if limit > MAX_LIMIT:
        raise error(400, "Limit cannot be greater than 1000")
    if limit < 0 or offset < 0:
        raise error(400, "offset and limit must be non-negative")
    start, end = -math.inf, math.inf
    window = body.get("timeFilter")
    if window is not None:
        if not isinstance(window, dict):
            raise error(400, "timeFilter must be an object")
        start = _number(window.get("startTimeUnixSeconds"), "timeFilter.startTimeUnixSeconds", error) * 1000
        end = _number(window.get("endTimeUnixSeconds"), "timeFilter.endTimeUnixSeconds", error) * 1000
    sort = body.get("sort") or {"last_active": "desc"}
    if not isinstance(sort, dict) or len(sort) != 1:
        raise error(400, "sort must be one SortLeafUsers key")
    key, direction = next(iter(sort.items()))
    if key not in USER_SORT_KEYS or direction not in ("asc", "desc"):
        raise error(500, f"invalid sort: {key} {direction}")
    flt = compile_(body["filter"])

    users: dict[int, dict[str, Any]] = {}
    for calls, rows in _gather(face, flt, start, end):
        subs, inverse = np.unique(calls.subscriber[rows], return_inverse=True)
        inverse = inverse.reshape(-1)
        n = len(subs)
        count = np.bincount(inverse, minlength=n)
        cost = np.bincount(inverse, weights=helicone_cost(calls)[rows].astype(float), minlength=n)
        prompt = np.bincount(inverse, weights=calls.input_tokens[rows].astype(float), minlength=n)
        completion = np.bincount(inverse, weights=calls.output_tokens[rows].astype(float), minlength=n)
        first = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(first, inverse, helicone_request_ms(calls)[rows])
        last = np.zeros(n, dtype=np.int64)
        np.maximum.at(last, inverse, helicone_request_ms(calls)[rows])
        for k, s in enumerate(subs):
            u = users.setdefault(
                int(s),
                {"days": 0, "requests": 0, "cost": 0, "prompt": 0, "completion": 0, "first": None, "last": 0},
            )
            u["days"] += 1  # a day slice is one UTC day
            u["requests"] += int(count[k])
            u["cost"] += int(cost[k])
            u["prompt"] += int(prompt[k])
            u["completion"] += int(completion[k])
            u["first"] = int(first[k]) if u["first"] is None else min(u["first"], int(first[k]))
            u["last"] = max(u["last"], int(last[k]))

    records = []
    for s, u in users.items():
        email = cat.SUBSCRIBERS[s].email
        records.append(
            {
                "id": email,
                "user_id": email,
                "active_for": u["days"],
                "first_active": iso_ms(u["first"]),
                "last_active": iso_ms(u["last"]),
                "total_requests": u["requests"],
                "average_requests_per_day_active": u["requests"] / u["days"],
                "average_tokens_per_request": (u["prompt"] + u["completion"]) / u["requests"],
                "total_completion_tokens": u["completion"],
                "total_prompt_tokens": u["prompt"],
                "cost": u["cost"] / 1e9,
            }
        )
    field = {"rate_limited_count": "total_requests"}.get(key, key)  # no rate limits in this world: all 0
    records.sort(key=lambda r: r["user_id"])
    records.sort(key=lambda r: 0 if key == "rate_limited_count" else r[field], reverse=direction == "desc")
    return {"users": records[offset : offset + limit], "count": len(records), "hasUsers": bool(records)}
