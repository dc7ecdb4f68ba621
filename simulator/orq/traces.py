"""orq.ai traces and spans (v3): ``POST /v3/traces/search`` and ``GET /v3/traces/{trace_id}/spans``.

Which calls orq sees: the world's ``in_orq`` calls (the organizations routed through orq); whole traces stay
together, so orq's traces are the world's traces of those organizations. Shapes follow the vendored spec
(``SearchTracesRequest``, ``SearchTracesResponse``, ``TraceSummary``, ``ListTraceSpansResponse``,
``SpanSummary``, ``TraceUsage``, ``TraceCost``; helicone-orq.md §B.2).

* ``POST /v3/traces/search`` ``{from, to, sort?, limit?, page_token?}``: the traces whose start (the root
  call's request time) is in ``[from, to)``, ``sort`` ``[{"field": "started_at", "order": "asc"|"desc"}]``
  (default desc; ties by trace id), ``limit`` default 100, capped at 1000 [I] (orq's log search documents
  those bounds), paged by an opaque ``page_token`` with ``has_more`` / ``next_page_token``. ``filters``
  and ``query`` are accepted and must be empty here (400 otherwise: this simulator does not filter).
* ``GET /v3/traces/{trace_id}/spans?limit&page_token``: the trace's spans in time order, same paging
  (default 100, cap 1000 [I]); a trace of any day the world serves is found, whether a search returned
  it or not (``simulator.dayindex``); an unknown trace is 404.

One span per LLM call [I]: ``type`` ``"llm"``, ``operation`` ``"chat"``, ``name`` = the agent's key (the
agent that made the call; orq names an agent run's generation after the agent) [I], ``span_id`` = the
call's transaction id (16 hex), ``parent_span_id`` = the parent call's (absent on the root), ``status``
``"ok"`` or ``"error"``, ``provider`` lower case (as in reporting), ``duration_ms``.

Usage is OpenAI-style, as orq reports it: ``prompt_tokens`` INCLUDES ``prompt_cached_tokens`` (and cache
writes, which orq does not break out), ``completion_tokens`` INCLUDES ``completion_reasoning_tokens``,
``total_tokens = prompt + completion``. Cost (USD): ``input``, ``output``, ``cache_read``, ``cache_write``,
``total`` (= their sum, the same figure ``genai.cost`` reports), ``currency`` ``"USD"``, ``billable`` true.

A ``TraceSummary`` carries the trace's ``name`` (trace name), ``root_span_id``, ``identity_id`` (the
organization), ``project_id`` and ``product`` (the product), ``agent`` (the root call's agent),
``providers[]``, ``models[]`` and usage/cost summed over its spans [I].
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator import ids
from simulator.dayindex import DayIdIndex, hex_key
from simulator.observers import orq_costs
from simulator.prices import MODELS, PROVIDERS
from simulator.timefmt import (
    TimeParseError,
    datetime_to_ms_ceil,
    day_of_ms,
    day_start_ms,
    iso_ms,
    parse_iso,
)
from simulator.views import page_of_parts
from simulator.world import DayCalls, World

SEARCH_PATH = "/v3/traces/search"
SPANS_PREFIX = "/v3/traces/"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class TraceError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class TraceIndex:
    """One day's orq traces: trace indexes by start, and each trace's calls in time order."""

    traces: np.ndarray  # trace index (DayCalls.trace_*), sorted by (start, trace id)
    starts: np.ndarray  # start ms of each, ascending
    call_rows: np.ndarray  # orq call rows sorted by (trace, request time)
    call_lo: dict[int, tuple[int, int]]  # trace index -> [lo, hi) into call_rows
    by_id: dict[str, int]  # trace id string -> trace index


def build_index(calls: DayCalls) -> TraceIndex:
    rows = np.flatnonzero(calls.in_orq)
    rows = rows[np.lexsort((calls.request_ms[rows], calls.trace[rows]))]
    trace_of = calls.trace[rows]
    traces, first = np.unique(trace_of, return_index=True)
    last = np.append(first[1:], len(rows))
    ids_ = [ids.hex32(calls.trace_id_hi[t], calls.trace_id_lo[t]) for t in traces]
    starts = calls.trace_start_ms[traces]
    order = sorted(range(len(traces)), key=lambda k: (int(starts[k]), ids_[k]))
    return TraceIndex(
        traces=traces[order].astype(np.int64),
        starts=starts[order].astype(np.int64),
        call_rows=rows,
        call_lo={int(t): (int(a), int(b)) for t, a, b in zip(traces, first, last, strict=True)},
        by_id={ids_[k]: int(traces[k]) for k in range(len(traces))},
    )


def orq_trace_keys(calls: DayCalls) -> np.ndarray:
    """The first 16 hex digits (as uint64) of the day's orq trace ids, for ``DayIdIndex``."""
    return calls.trace_id_hi[np.unique(calls.trace[calls.in_orq])]


def _index(calls: DayCalls) -> TraceIndex:
    return calls.view("orq_traces", build_index)


# -- records ----------------------------------------------------------------------------------------------
def usage(calls: DayCalls, rows: np.ndarray) -> dict[str, int]:
    cached = int(calls.cache_read_tokens[rows].sum())
    prompt = int(
        (calls.input_tokens[rows] + calls.cache_read_tokens[rows] + calls.cache_write_tokens[rows]).sum()
    )
    completion = int(calls.output_tokens[rows].sum())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_cached_tokens": cached,
        "prompt_audio_tokens": 0,
        "completion_reasoning_tokens": int(calls.reasoning_tokens[rows].sum()),
        "completion_audio_tokens": 0,
        "completion_accepted_prediction_tokens": 0,
        "completion_rejected_prediction_tokens": 0,
    }


def cost(calls: DayCalls, rows: np.ndarray) -> dict[str, Any]:
    """orq.ai's cost of the rows (each part rounded per call: ``observers.orq_costs``)."""
    costs = orq_costs(calls)

    def usd(part: str) -> float:
        return int(costs[part][rows].sum()) / 1e9

    return {
        "input": usd("input_cost"),
        "output": usd("output_cost"),
        "cache_read": usd("cache_read_cost"),
        "cache_write": usd("cache_write_cost"),
        "total": usd("total_cost"),
        "currency": "USD",
        "billable": True,
    }


def span_record(calls: DayCalls, i: int) -> dict[str, Any]:
    i = int(i)
    start = int(calls.request_ms[i])
    duration = int(calls.duration_ms[i])
    rows = np.array([i])
    span: dict[str, Any] = {
        "object": "span",
        "trace_id": calls.trace_id_str(i),
        "span_id": calls.transaction_id_str(i),
    }
    parent = calls.parent_transaction_id_str(i)
    if parent is not None:
        span["parent_span_id"] = parent
    span.update(
        {
            "name": cat.AGENTS[calls.agent[i]].name,
            "type": "llm",
            "operation": "chat",
            "status": "error" if calls.is_error[i] else "ok",
            "started_at": iso_ms(start),
            "ended_at": iso_ms(start + duration),
            "duration_ms": float(duration),
            "provider": PROVIDERS[calls.provider[i]].orq_name,
            "model": MODELS[calls.model[i]].name,
            "usage": usage(calls, rows),
            "cost": cost(calls, rows),
            "has_detail": True,
        }
    )
    return span


def trace_record(calls: DayCalls, index: TraceIndex, t: int, cutoff_ms: int) -> dict[str, Any]:
    lo, hi = index.call_lo[t]
    rows = index.call_rows[lo:hi]
    rows = rows[calls.request_ms[rows] <= cutoff_ms]
    root = int(rows[0])
    start = int(calls.request_ms[rows].min())
    end = int((calls.request_ms[rows] + calls.duration_ms[rows]).max())
    trace_id = calls.trace_id_str(root)
    product = cat.PRODUCTS[calls.product[root]].name
    agent = cat.AGENTS[calls.agent[root]].name
    return {
        "object": "trace",
        "trace_id": trace_id,
        "root_span_id": calls.transaction_id_str(root),
        "name": cat.TRACE_NAMES[calls.trace_name[root]],
        "operation": "workflow",
        "status": "error" if calls.is_error[rows].any() else "ok",
        "started_at": iso_ms(start),
        "ended_at": iso_ms(end),
        "duration_ms": float(end - start),
        "project_id": product,
        "identity_id": cat.ORGANIZATIONS[calls.organization[root]].name,
        "product": product,
        "providers": sorted({PROVIDERS[p].orq_name for p in calls.provider[rows]}),
        "models": sorted({MODELS[m].name for m in calls.model[rows]}),
        "agent": {"id": agent, "name": agent},
        "usage": usage(calls, rows),
        "cost": cost(calls, rows),
    }


# -- paging -----------------------------------------------------------------------------------------------
def _token(offset: int, scope: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "s": scope}).encode()).decode().rstrip("=")


def _offset(token: Any, scope: str) -> int:
    if token in (None, ""):
        return 0
    try:
        raw = json.loads(base64.urlsafe_b64decode(str(token) + "=" * (-len(str(token)) % 4)))
        if raw["s"] != scope or int(raw["o"]) < 0:
            raise ValueError
        return int(raw["o"])
    except (ValueError, KeyError, TypeError) as exc:
        raise TraceError(400, "invalid page_token") from exc


def _limit(value: Any) -> int:
    if value in (None, 0, "", "0"):
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except (TypeError, ValueError) as exc:
        raise TraceError(400, f"limit must be an integer, got {value!r}") from exc
    if limit < 0:
        raise TraceError(400, f"limit must be non-negative, got {limit}")
    return min(limit, MAX_LIMIT)


def _scope(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


# -- the endpoints ------------------------------------------------------------------------------------------
class OrqTraces:
    def __init__(self, world: World):
        self.world = world
        self._known: dict[str, date] = {}  # trace ids served by a search -> their day
        # any other trace id: found on any day the world serves (simulator.dayindex)
        self._days = DayIdIndex(world, orq_trace_keys)

    def search(self, body: Any, cutoff_ms: int) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise TraceError(400, "the request body must be a JSON object")
        try:
            start = datetime_to_ms_ceil(parse_iso(body["from"], assume_utc=False))
            end = datetime_to_ms_ceil(parse_iso(body["to"], assume_utc=False))
        except KeyError as exc:
            raise TraceError(400, f"{exc.args[0]} is required") from exc
        except (TimeParseError, TypeError) as exc:
            raise TraceError(400, f"from/to must be RFC 3339 timestamps: {exc}") from exc
        if end <= start:
            raise TraceError(400, "to must be after from")
        if body.get("filters") or body.get("query"):
            raise TraceError(400, "filters and query are not supported by this simulator")
        sort = body.get("sort") or [{"field": "started_at", "order": "desc"}]
        if (
            not isinstance(sort, list)
            or len(sort) != 1
            or not isinstance(sort[0], dict)
            or sort[0].get("field") != "started_at"
            or sort[0].get("order", "desc") not in ("asc", "desc")
        ):
            raise TraceError(400, "sort must be [{field: started_at, order: asc|desc}]")
        desc = sort[0].get("order", "desc") == "desc"
        limit = _limit(body.get("limit"))
        scope = _scope(body.get("from"), body.get("to"), desc)
        offset = _offset(body.get("page_token"), scope)

        end_vis = min(end, cutoff_ms + 1)
        # days ascending and (start, id) ascending within a day: reversed, fully descending
        found: list[tuple[tuple[DayCalls, TraceIndex], np.ndarray]] = []
        if end_vis > start:
            first, last = day_of_ms(start), day_of_ms(end_vis - 1)
            for day in self.world.days(first, last + timedelta(days=1)):
                calls = self.world.calls(day)
                index = _index(calls)
                lo = int(np.searchsorted(index.starts, start, side="left"))
                hi = int(np.searchsorted(index.starts, end_vis, side="left"))
                found.append(((calls, index), index.traces[lo:hi]))
        page = page_of_parts(found, offset, limit, desc)
        data = []
        for (calls, index), t in page:
            record = trace_record(calls, index, t, cutoff_ms)
            self._known[record["trace_id"]] = calls.day
            data.append(record)
        more = offset + len(page) < sum(len(traces) for _, traces in found)
        response: dict[str, Any] = {"object": "list", "data": data, "has_more": more}
        if more:
            response["next_page_token"] = _token(offset + len(page), scope)
        response["meta"] = {
            "request_id": "req_" + scope,
            "from": body["from"],
            "to": body["to"],
            "row_count": len(data),
        }
        return response

    def _find(self, trace_id: str, cutoff_ms: int) -> tuple[DayCalls, TraceIndex, int]:
        days: Iterable[date] = [self._known[trace_id]] if trace_id in self._known else []
        key = hex_key(trace_id) if len(trace_id) == 32 else None
        if key is not None:
            days = itertools.chain(days, self._days.days(key, day_of_ms(cutoff_ms)))
        for day in days:
            if day < self.world.start_day or day_start_ms(day) > cutoff_ms:
                continue
            calls = self.world.calls(day)
            index = _index(calls)
            t = index.by_id.get(trace_id)
            if t is not None and int(calls.trace_start_ms[t]) <= cutoff_ms:
                return calls, index, t
        raise TraceError(404, f"trace {trace_id} not found")

    def spans(self, trace_id: str, params: dict[str, str | None], cutoff_ms: int) -> dict[str, Any]:
        calls, index, t = self._find(trace_id, cutoff_ms)
        lo, hi = index.call_lo[t]
        rows = index.call_rows[lo:hi]
        rows = rows[calls.request_ms[rows] <= cutoff_ms]
        limit = _limit(params.get("limit"))
        scope = _scope(trace_id)
        offset = _offset(params.get("page_token"), scope)
        page = rows[offset : offset + limit]
        more = offset + len(page) < len(rows)
        response: dict[str, Any] = {
            "object": "list",
            "data": [span_record(calls, i) for i in page],
            "has_more": more,
        }
        if more:
            response["next_page_token"] = _token(offset + len(page), scope)
        return response
