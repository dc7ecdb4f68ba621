"""Revenium's agentic surfaces, derived from the world's calls: traces, tool events, squads and jobs.

This module holds the traces and tool events, and ``DayTable`` (the per-day table the agentic, media
and ``/ai`` lists page over); squads are in ``squads``, jobs in ``jobs``, their routes in
``agentic_routes``.

Everything here is computed from a day's ``DayCalls``. What the calls do not already say (which tools a
call used, how a job turned out) is drawn from SEPARATE random streams,
``default_rng([seed, day.toordinal(), STREAM])``, so the calls themselves never change. Per-day results are
cached with the day (``DayCalls.view``).

Surfaces and the choices where the vendor docs are silent ([I] = inferred, see docs/vendor-apis/revenium.md):

* ``GET /profitstream/v2/api/sources/metrics/ai/traces`` (analytics bucket): one row per trace, aggregated
  from its calls; HAL key ``aITraceMetricResourceList`` [I]; default sort ``startTime,desc``. The docs say a
  call without ``period`` returns every trace; the CLI sends ``startDate``/``endDate``. The simulator
  honours ``startDate``/``endDate`` on ``startTime`` (``TRACE_DATE_FILTER``) [I]; ``period`` (relative to
  the clock) applies when given.
* ``GET /profitstream/v2/api/sources/metrics/tool/events`` (analytics bucket): tool invocations made by
  completions; the record mirrors the metering payload (§3.5: ``toolId``, ``durationMs``, ``success``,
  ``timestamp``, ``transactionId``, ``operation``, ``errorMessage``, ``costUsd``, ``agent``,
  ``organizationName``, ``productName``, ``subscriberCredential`` as a label string, ``traceId``,
  ``workflowId``) plus ``id``, ``toolName``, ``toolType``, ``toolProvider`` [I]; HAL key
  ``toolEventResourceList`` [I]; ``startDate``/``endDate`` on ``timestamp``. Failed calls make no tool calls.
* Squads (platform bucket; ``period``, default ``THIRTY_DAYS``, no dates): ``/v2/api/squads`` is a bare
  array of executions (one per squad, UTC hour and team: the calls' ``squadId``), ``/squads/entities`` a
  bare array of squad definitions aggregated over the period, ``/squads/{squadId}`` the execution plus
  ``transactionCount``/``errorCount``, ``/squads/{squadId}/timeline`` its calls as events. Status:
  ``SUCCESS`` without failed calls, ``FAILED`` when every trace's root call failed, else ``PARTIAL`` [I].
* Jobs (platform bucket): one job per trace that carries an ``agenticJobId``; ``created`` = the trace's
  start, the list filters ``startDate``/``endDate`` on ``created`` [I]. Outcomes: 85% reported, some
  hours after the job; 6% of reported outcomes amended once (history of two entries) [I]. ROI per job:
  ``roi`` as a percentage, ``(value - cost) / cost x 100`` [I, CLI: "19900 means 19,900%"]; ``totalCost``
  = the job's call cost (completions and their media calls) + its tool cost. ``/jobs/{id}/transactions`` is ``{transactions, totalCount}``
  (not HAL), ``/jobs/types`` and ``/outcome/history`` bare arrays, ``/jobs/conversion-funnel`` one object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator import ids
from simulator.revenium import media
from simulator.timefmt import DAY_MS, day_start_ms, iso_ms
from simulator.world import DayCalls

TRACE_DATE_FILTER = True
STREAM_TOOLS = 301

PERIODS_MS: dict[str, int] = {
    "HOUR": 3_600_000,
    "EIGHT_HOURS": 8 * 3_600_000,
    "TWENTY_FOUR_HOURS": DAY_MS,
    "SEVEN_DAYS": 7 * DAY_MS,
    "THIRTY_DAYS": 30 * DAY_MS,
    "NINETY_DAYS": 90 * DAY_MS,
    "SIX_MONTHS": 182 * DAY_MS,
    "TWELVE_MONTHS": 365 * DAY_MS,
}


@dataclass(frozen=True)
class Tool:
    tool_id: str
    name: str
    tool_type: str
    provider: str
    cost_nanos: int  # per invocation, nano-USD
    latency_ms: float  # median
    success_rate: float


TOOLS: tuple[Tool, ...] = (
    Tool("web-search", "Web search", "SEARCH", "serpapi", 5_000_000, 900, 0.96),
    Tool("vector-search", "Vector search", "RETRIEVAL", "pinecone", 400_000, 120, 0.995),
    Tool("sql-runner", "SQL runner", "DATABASE", "snowflake", 2_000_000, 600, 0.94),
    Tool("crm-lookup", "CRM lookup", "API", "salesforce", 1_000_000, 250, 0.985),
    Tool("code-sandbox", "Code sandbox", "CODE_EXECUTION", "e2b", 3_000_000, 1800, 0.92),
    Tool("ticket-update", "Ticket update", "API", "zendesk", 500_000, 300, 0.99),
    Tool("payment-lookup", "Payment lookup", "API", "stripe", 0, 200, 0.995),
    Tool("doc-parser", "Document parser", "DOCUMENT", "unstructured", 4_000_000, 2200, 0.95),
)
TOOL_INDEX = {t.tool_id: i for i, t in enumerate(TOOLS)}
# agent -> (mean tool calls per successful call, tools it uses)
AGENT_TOOLS: dict[str, tuple[float, tuple[str, ...]]] = {
    "orchestrator": (0.3, ("web-search", "vector-search", "ticket-update")),
    "support-triage": (0.4, ("crm-lookup", "ticket-update", "vector-search")),
    "billing-assistant": (0.5, ("payment-lookup", "crm-lookup")),
    "code-reviewer": (0.35, ("code-sandbox", "vector-search")),
    "research-planner": (0.6, ("web-search", "vector-search")),
    "research-writer": (0.25, ("web-search",)),
    "sql-analyst": (0.55, ("sql-runner",)),
    "sales-qualifier": (0.45, ("crm-lookup", "web-search")),
    "doc-summarizer": (0.2, ("doc-parser",)),
}
TOOL_ERRORS = ("timeout after 30000 ms", "upstream returned 502", "invalid arguments")
_AGENT_TOOL_MEAN = np.array([AGENT_TOOLS.get(a.name, (0.0, ()))[0] for a in cat.AGENTS])


# -- per-day tables -------------------------------------------------------------------------------------
@dataclass
class DayTable:
    """Records of one day and surface: event times (ascending), teams, and how to format record j."""

    times: np.ndarray
    team: np.ndarray
    make: Callable[[int], dict[str, Any]]
    _team_rows: dict[int, np.ndarray] = field(default_factory=dict)

    def rows(self, team: int | None) -> np.ndarray:
        if team is None:
            return np.arange(len(self.times))
        if team not in self._team_rows:
            self._team_rows[team] = np.flatnonzero(self.team == team)
        return self._team_rows[team]

    def window(self, team: int | None, start_ms: int, end_ms: int) -> np.ndarray:
        rows = self.rows(team)
        t = self.times[rows]
        lo, hi = np.searchsorted(t, start_ms, "left"), np.searchsorted(t, end_ms, "left")
        return rows[lo:hi]


def _org(o: int) -> dict[str, str]:
    org = cat.ORGANIZATIONS[o]
    return {"id": org.id, "label": org.name}


def _product(p: int) -> dict[str, str]:
    prod = cat.PRODUCTS[p]
    return {"id": prod.id, "label": prod.name}


@dataclass
class Traces:
    """Per-trace aggregates of one day, indexed by the world's trace number."""

    start: np.ndarray
    end: np.ndarray
    calls: np.ndarray
    errors: np.ndarray
    root_error: np.ndarray
    cost: np.ndarray
    input_tokens: np.ndarray
    output_tokens: np.ndarray
    root_row: np.ndarray
    agents: list[set[int]]


def traces_of(c: DayCalls) -> Traces:
    def build(c: DayCalls) -> Traces:
        nt = len(c.trace_id_hi)
        tr = c.trace
        end = c.request_ms + c.duration_ms
        start = np.full(nt, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(start, tr, c.request_ms)
        stop = np.zeros(nt, dtype=np.int64)
        np.maximum.at(stop, tr, end)
        cost = np.zeros(nt, dtype=np.int64)
        np.add.at(cost, tr, c.total_cost)
        inp = np.zeros(nt, dtype=np.int64)
        np.add.at(inp, tr, c.input_tokens)
        out = np.zeros(nt, dtype=np.int64)
        np.add.at(out, tr, c.output_tokens)
        root_row = np.full(nt, -1, dtype=np.int64)
        roots = np.flatnonzero(c.pos == 0)
        root_row[tr[roots]] = roots
        agents: list[set[int]] = [set() for _ in range(nt)]
        for t, a in zip(tr.tolist(), c.agent.tolist(), strict=True):
            agents[t].add(a)
        return Traces(
            start=start,
            end=stop,
            calls=np.bincount(tr, minlength=nt),
            errors=np.bincount(tr, weights=c.is_error, minlength=nt).astype(np.int64),
            root_error=c.is_error[np.maximum(root_row, 0)] & (root_row >= 0),
            cost=cost,
            input_tokens=inp,
            output_tokens=out,
            root_row=root_row,
            agents=agents,
        )

    return c.view("revenium:traces", build)


def trace_table(c: DayCalls) -> DayTable:
    t = traces_of(c)  # dependencies first: DayCalls.view is not re-entrant

    def build(c: DayCalls) -> DayTable:
        order = np.lexsort((c.trace_id_lo, c.trace_id_hi, t.start))
        order = order[t.calls[order] > 0]
        team = c.team[t.root_row[order]]

        def make(j: int) -> dict[str, Any]:
            k = int(order[j])
            r = int(t.root_row[k])
            return {
                "traceId": c.trace_id_str(r),
                "traceType": cat.TRACE_TYPES[c.trace_type[r]].name,
                "traceName": cat.TRACE_NAMES[c.trace_name[r]],
                "startTime": iso_ms(int(t.start[k])),
                "endTime": iso_ms(int(t.end[k])),
                "traceDuration": int(t.end[k] - t.start[k]),
                "transactionCount": int(t.calls[k]),
                "errorCount": int(t.errors[k]),
                "agentCount": len(t.agents[k]),
                "rootAgent": cat.AGENTS[c.agent[r]].name,
                "inputTokenCount": int(t.input_tokens[k]),
                "outputTokenCount": int(t.output_tokens[k]),
                "totalTokenCount": int(t.input_tokens[k] + t.output_tokens[k]),
                "totalCost": int(t.cost[k]) / 1e9,
                "squadId": c.squad_id_str(r),
                "agenticJobId": c.job_id_str(r),
                "environment": cat.ENVIRONMENTS[c.environment[r]][0],
                "organization": _org(int(c.organization[r])),
                "product": _product(int(c.product[r])),
            }

        return DayTable(t.start[order], team, make)

    return c.view("revenium:trace_table", build)


@dataclass
class ToolEvents:
    call: np.ndarray  # row of the calling completion
    tool: np.ndarray
    ms: np.ndarray
    duration: np.ndarray
    success: np.ndarray
    error: np.ndarray
    ident: np.ndarray  # uint64


def tool_events_of(c: DayCalls) -> ToolEvents:
    def build(c: DayCalls) -> ToolEvents:
        rng = np.random.default_rng([c.seed, c.day.toordinal(), STREAM_TOOLS])
        mean = np.where(c.is_error, 0.0, _AGENT_TOOL_MEAN[c.agent])
        count = rng.poisson(mean)
        call = np.repeat(np.arange(c.n), count)
        m = len(call)
        choice = rng.random(m)
        tool = np.empty(m, dtype=np.int64)
        for a, agent in enumerate(cat.AGENTS):
            names = AGENT_TOOLS.get(agent.name, (0.0, ()))[1]
            sel = c.agent[call] == a
            if names and sel.any():
                codes = np.array([TOOL_INDEX[n] for n in names])
                tool[sel] = codes[(choice[sel] * len(codes)).astype(np.int64)]
        latency = np.array([t.latency_ms for t in TOOLS])[tool]
        duration = np.rint(rng.lognormal(np.log(latency), 0.5)).astype(np.int64)
        success = rng.random(m) < np.array([t.success_rate for t in TOOLS])[tool]
        error = np.where(success, -1, rng.integers(0, len(TOOL_ERRORS), m))
        # A tool call happens during its completion, and inside the completion's day.
        room = np.minimum(c.duration_ms[call], day_start_ms(c.day) + DAY_MS - 1 - c.request_ms[call])
        ms = c.request_ms[call] + (rng.random(m) * np.maximum(room, 0)).astype(np.int64)
        ident = rng.integers(0, np.iinfo(np.uint64).max, size=m, dtype=np.uint64, endpoint=True)
        order = np.lexsort((ident, ms))
        return ToolEvents(
            call[order], tool[order], ms[order], duration[order], success[order], error[order], ident[order]
        )

    return c.view("revenium:tool_events", build)


def tool_event_table(c: DayCalls) -> DayTable:
    ev = tool_events_of(c)

    def build(c: DayCalls) -> DayTable:

        def make(j: int) -> dict[str, Any]:
            i, tool = int(ev.call[j]), TOOLS[int(ev.tool[j])]
            ok = bool(ev.success[j])
            return {
                "id": ids.base62(int(ev.ident[j]) % 62**10, 10),
                "toolId": tool.tool_id,
                "toolName": tool.name,
                "toolType": tool.tool_type,
                "toolProvider": tool.provider,
                "operation": "execute",
                "transactionId": c.transaction_id_str(i),
                "traceId": c.trace_id_str(i),
                "agent": cat.AGENTS[c.agent[i]].name,
                "durationMs": int(ev.duration[j]),
                "success": ok,
                "errorMessage": None if ok else TOOL_ERRORS[int(ev.error[j])],
                "costUsd": tool.cost_nanos / 1e9,
                "timestamp": iso_ms(int(ev.ms[j])),
                "organizationName": cat.ORGANIZATIONS[c.organization[i]].name,
                "productName": cat.PRODUCTS[c.product[i]].name,
                "subscriberCredential": cat.CREDENTIALS[c.credential[i]].label,
                "workflowId": cat.TRACE_TYPES[c.trace_type[i]].name,
            }

        return DayTable(ev.ms, c.team[ev.call], make)

    return c.view("revenium:tool_event_table", build)


def tool_cost_by_trace(c: DayCalls) -> np.ndarray:
    """Nano-USD of tool calls per trace of the day."""
    ev = tool_events_of(c)

    def build(c: DayCalls) -> np.ndarray:
        cost = np.zeros(len(c.trace_id_hi), dtype=np.int64)
        np.add.at(cost, c.trace[ev.call], np.array([t.cost_nanos for t in TOOLS], dtype=np.int64)[ev.tool])
        return cost

    return c.view("revenium:tool_cost_by_trace", build)


def media_cost_by_trace(c: DayCalls) -> np.ndarray:
    """Nano-USD of the media (audio, image, video) calls per trace of the day: each hangs off a completion of
    the trace, so it belongs to the trace's job (its ``modalityCost``)."""
    m = media.media_of(c)

    def build(c: DayCalls) -> np.ndarray:
        cost = np.zeros(len(c.trace_id_hi), dtype=np.int64)
        np.add.at(cost, c.trace[m.parent], m.cost)
        return cost

    return c.view("revenium:media_cost_by_trace", build)
