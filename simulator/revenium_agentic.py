"""Revenium's agentic surfaces, derived from the world's calls: traces, tool events, squads and jobs.

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

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator import ids
from simulator import revenium_media as media
from simulator.prices import MODELS, PROVIDERS
from simulator.timefmt import DAY_MS, day_of_ms, day_start_ms, iso_ms
from simulator.world import DayCalls, World

TRACE_DATE_FILTER = True
STREAM_TOOLS = 301
STREAM_JOBS = 302

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
DEFAULT_SQUAD_PERIOD = "THIRTY_DAYS"


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

# Job outcomes per job type: (outcome types on success, their shares, median value in USD per type).
JOB_OUTCOMES: dict[str, tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...]]] = {
    "ticket-resolution": (("DEFLECTED", "ESCALATED", "UNSUCCESSFUL"), (0.7, 0.2, 0.1), (12.0, 0.0, 0.0)),
    "code-review": (("CONVERTED", "CUSTOM", "UNSUCCESSFUL"), (0.6, 0.3, 0.1), (25.0, 8.0, 0.0)),
    "report-generation": (("CONVERTED", "CUSTOM", "UNSUCCESSFUL"), (0.7, 0.2, 0.1), (60.0, 15.0, 0.0)),
    "analytics-request": (("CONVERTED", "UNSUCCESSFUL"), (0.8, 0.2), (40.0, 0.0)),
    "lead-qualification": (("CONVERTED", "UNSUCCESSFUL", "ESCALATED"), (0.25, 0.6, 0.15), (120.0, 0.0, 0.0)),
    "workflow-automation": (("CONVERTED", "ESCALATED", "UNSUCCESSFUL"), (0.6, 0.25, 0.15), (30.0, 0.0, 0.0)),
}
OUTCOME_REPORTED_SHARE = 0.85
AMENDED_SHARE = 0.06
CANCELLED_SHARE = 0.02


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


# -- squads ---------------------------------------------------------------------------------------------
@dataclass
class SquadRun:
    squad_id: str
    squad: int
    team: int
    traces: list[int]
    rows: np.ndarray  # call rows, by time
    start: int
    end: int
    agents: int
    cost: int
    errors: int
    status: str


def squad_runs(c: DayCalls) -> list[SquadRun]:
    """The day's squad executions (one per squad, hour and team), by start time then id."""

    t = traces_of(c)

    def build(c: DayCalls) -> list[SquadRun]:
        groups: dict[tuple[str, int], list[int]] = {}
        for k in np.flatnonzero((c.trace_squad >= 0) & (t.calls > 0)).tolist():
            r = int(t.root_row[k])
            groups.setdefault((c.squad_id_str(r), int(c.team[r])), []).append(k)
        runs = []
        for (sid, team), traces in groups.items():
            rows = np.flatnonzero(np.isin(c.trace, traces))
            failed_roots = sum(bool(t.root_error[k]) for k in traces)
            errors = int(c.is_error[rows].sum())
            status = "SUCCESS" if errors == 0 else "FAILED" if failed_roots == len(traces) else "PARTIAL"
            runs.append(
                SquadRun(
                    squad_id=sid,
                    squad=int(c.trace_squad[traces[0]]),
                    team=team,
                    traces=traces,
                    rows=rows,
                    start=int(t.start[traces].min()),
                    end=int(t.end[traces].max()),
                    agents=len(set(c.agent[rows].tolist())),
                    cost=int(c.total_cost[rows].sum()),
                    errors=errors,
                    status=status,
                )
            )
        runs.sort(key=lambda s: (s.start, s.squad_id))
        return runs

    return c.view("revenium:squads", build)


def squad_execution_record(s: SquadRun, detail: bool = False) -> dict[str, Any]:
    name = cat.SQUADS[s.squad]
    record = {
        "id": s.squad_id,
        "resourceType": "squad.detail" if detail else "squadExecution",
        "label": f"{name} {s.squad_id[-10:]}",
        "squadName": name,
        "startTime": iso_ms(s.start),
        "endTime": iso_ms(s.end),
        "duration": s.end - s.start,
        "agentCount": s.agents,
        "traceCount": len(s.traces),
        "totalCost": s.cost / 1e9,
        "status": s.status,
    }
    if detail:
        record["transactionCount"] = len(s.rows)
        record["errorCount"] = s.errors
    return record


def squad_timeline(c: DayCalls, s: SquadRun) -> dict[str, Any]:
    events = []
    for i in s.rows.tolist():
        inp, out = int(c.input_tokens[i]), int(c.output_tokens[i])
        req, dur = int(c.request_ms[i]), int(c.duration_ms[i])
        events.append(
            {
                "id": c.transaction_id_str(i),
                "traceId": c.trace_id_str(i),
                "agent": cat.AGENTS[c.agent[i]].name,
                "role": "lead" if c.pos[i] == 0 else "member",
                "timestamp": req,
                "startTime": iso_ms(req),
                "endTime": iso_ms(req + dur),
                "duration": dur,
                "model": MODELS[c.model[i]].name,
                "provider": PROVIDERS[c.provider[i]].name,
                "operationType": cat.AGENTS[c.agent[i]].operation_type,
                "inputTokens": inp,
                "outputTokens": out,
                "totalTokens": inp + out,
                "cost": int(c.total_cost[i]) / 1e9,
            }
        )
    return {
        "squadId": s.squad_id,
        "squadName": cat.SQUADS[s.squad],
        "startTime": iso_ms(s.start),
        "endTime": iso_ms(s.end),
        "totalDuration": s.end - s.start,
        "events": events,
    }


def parse_squad_id(squad_id: str) -> tuple[str, date, int] | None:
    """(squad name, day, hour) of ``squad-<name>-<YYYYMMDDHH>``."""
    head, _, stamp = squad_id.rpartition("-")
    if not head.startswith("squad-") or len(stamp) != 10 or not stamp.isdigit():
        return None
    try:
        day = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
    except ValueError:
        return None
    return head[len("squad-") :], day, int(stamp[8:])


def runs_in_period(world: World, team: int, cutoff: int, period_ms: int) -> list[tuple[DayCalls, SquadRun]]:
    start = cutoff - period_ms
    out = []
    for day in world.days(day_of_ms(max(start, 0)), day_of_ms(cutoff) + timedelta(days=1)):
        c = world.calls(day)
        out += [(c, s) for s in squad_runs(c) if s.team == team and start <= s.start <= cutoff]
    return out


def squad_entities(runs: list[tuple[DayCalls, SquadRun]]) -> list[dict[str, Any]]:
    by_squad: dict[int, list[SquadRun]] = {}
    for _, s in runs:
        by_squad.setdefault(s.squad, []).append(s)
    out = []
    for squad, items in sorted(by_squad.items(), key=lambda kv: cat.SQUADS[kv[0]]):
        name = cat.SQUADS[squad]
        out.append(
            {
                "id": ids.name_hashid("squad:" + name),
                "resourceType": "squad",
                "label": name,
                "description": f"{name}: agents that run together on one workflow",
                "source": "TELEMETRY",
                "executionCount": len(items),
                "totalCost": sum(s.cost for s in items) / 1e9,
                "agentCount": max(s.agents for s in items),
                "traceCount": sum(len(s.traces) for s in items),
                "firstExecutionTime": iso_ms(min(s.start for s in items)),
                "lastExecutionTime": iso_ms(max(s.start for s in items)),
                "successCount": sum(s.status == "SUCCESS" for s in items),
                "partialCount": sum(s.status == "PARTIAL" for s in items),
                "failedCount": sum(s.status == "FAILED" for s in items),
            }
        )
    return out


# -- jobs -----------------------------------------------------------------------------------------------
@dataclass
class Jobs:
    """The day's jobs (traces with a job), by creation time then id, and how they turned out."""

    trace: np.ndarray
    created: np.ndarray
    team: np.ndarray
    status: list[str]
    outcome: list[str | None]
    value: np.ndarray  # USD, NaN when no value
    reported: np.ndarray  # ms, -1 when not reported
    amended: np.ndarray  # bool
    amended_at: np.ndarray
    first_outcome: list[str | None]
    by_id: dict[str, int]


def jobs_of(c: DayCalls) -> Jobs:
    t = traces_of(c)

    def build(c: DayCalls) -> Jobs:
        ks = np.flatnonzero((c.trace_job_type >= 0) & (t.calls > 0))
        order = np.lexsort((c.trace_job_id[ks], t.start[ks]))
        ks = ks[order]
        n = len(ks)
        rng = np.random.default_rng([c.seed, c.day.toordinal(), STREAM_JOBS])
        u_report, u_status, u_outcome, u_amend = rng.random((4, n)) if n else np.zeros((4, 0))
        value_noise = rng.lognormal(0, 0.5, n)
        delay = rng.lognormal(np.log(3 * 3_600_000), 1.0, n).astype(np.int64)
        amend_delay = rng.lognormal(np.log(24 * 3_600_000), 0.7, n).astype(np.int64)
        status, outcome, first = [], [], []
        value = np.full(n, np.nan)
        for j, k in enumerate(ks.tolist()):
            jt = cat.JOB_TYPES[c.trace_job_type[k]]
            types, shares, values = JOB_OUTCOMES[jt]
            if u_status[j] < CANCELLED_SHARE:
                st = "CANCELLED"
            elif t.root_error[k] or (t.errors[k] and u_status[j] < 0.5):
                st = "FAILED"
            else:
                st = "SUCCESS"
            status.append(st)
            if u_report[j] >= OUTCOME_REPORTED_SHARE:
                outcome.append(None)
                first.append(None)
                continue
            if st != "SUCCESS":
                o = "UNSUCCESSFUL"
            else:
                o = types[int(np.searchsorted(np.cumsum(shares), u_outcome[j] * sum(shares), "right"))]
            outcome.append(o)
            median = dict(zip(types, values, strict=True)).get(o, 0.0)
            value[j] = round(median * value_noise[j], 2) if median else 0.0
            # An amended outcome first said something else (escalated), then was corrected.
            first.append("ESCALATED" if u_amend[j] < AMENDED_SHARE and o != "ESCALATED" else o)
        reported = np.where(np.array([o is not None for o in outcome]), t.end[ks] + delay, -1)
        amended = np.array([f != o for f, o in zip(first, outcome, strict=True)], dtype=bool)
        return Jobs(
            trace=ks,
            created=t.start[ks],
            team=c.team[t.root_row[ks]],
            status=status,
            outcome=outcome,
            value=value,
            reported=reported,
            amended=amended,
            amended_at=np.where(amended, reported + amend_delay, -1),
            first_outcome=first,
            by_id={c.job_id_str(int(t.root_row[k])): j for j, k in enumerate(ks.tolist())},
        )

    return c.view("revenium:jobs", build)


def job_record(c: DayCalls, jobs: Jobs, j: int) -> dict[str, Any]:
    t = traces_of(c)
    k = int(jobs.trace[j])
    r = int(t.root_row[k])
    job_id = c.job_id_str(r) or ""
    has = jobs.outcome[j] is not None
    reported = int(jobs.reported[j])
    updated = int(jobs.amended_at[j]) if jobs.amended[j] else reported
    return {
        "id": ids.name_hashid("job:" + job_id, 8),
        "label": cat.TRACE_NAMES[c.trace_name[r]],
        "resourceType": "job",
        "created": iso_ms(int(jobs.created[j])),
        "updated": iso_ms(updated if has else int(t.end[k])),
        "agenticJobId": job_id,
        "name": cat.TRACE_NAMES[c.trace_name[r]],
        "type": cat.JOB_TYPES[c.trace_job_type[k]],
        "version": "1",
        "source": "TELEMETRY",
        "executionStatus": jobs.status[j],
        "outcomeType": jobs.outcome[j],
        "outcomeValue": None if not has else float(jobs.value[j]),
        "outcomeCurrency": "USD" if has else None,
        "outcomeReportedAt": iso_ms(reported) if has else None,
        "outcomeMetadata": json.dumps({"environment": cat.ENVIRONMENTS[c.environment[r]][0]})
        if has
        else None,
        "hasOutcome": has,
        "outcomeAmendmentCount": int(jobs.amended[j]) if has else None,
        "outcomeUpdatedAt": iso_ms(updated) if has else None,
        "outcomeUpdatedBy": ("ops@" + cat.ORGANIZATIONS[c.organization[r]].domain) if has else None,
    }


def job_table(c: DayCalls) -> DayTable:
    jobs = jobs_of(c)

    def build(c: DayCalls) -> DayTable:
        return DayTable(jobs.created, jobs.team, lambda j: job_record(c, jobs, j))

    return c.view("revenium:job_table", build)


def job_roi(c: DayCalls, jobs: Jobs, j: int) -> dict[str, Any]:
    t = traces_of(c)
    k = int(jobs.trace[j])
    r = int(t.root_row[k])
    cost_nanos = int(t.cost[k]) + int(media_cost_by_trace(c)[k]) + int(tool_cost_by_trace(c)[k])
    cost = cost_nanos / 1e9
    has = jobs.outcome[j] is not None
    value = float(jobs.value[j]) if has else None
    roi = None if value is None or cost_nanos == 0 else round((value - cost) / cost * 100, 2)
    inp, out = int(t.input_tokens[k]), int(t.output_tokens[k])
    return {
        "agenticJobId": c.job_id_str(r),
        "agenticJobName": cat.TRACE_NAMES[c.trace_name[r]],
        "agenticJobType": cat.JOB_TYPES[c.trace_job_type[k]],
        "totalCost": cost,
        "outcomeValue": value,
        "outcomeCurrency": "USD" if has else None,
        "roi": roi,
        "executionStatus": jobs.status[j],
        "outcomeType": jobs.outcome[j],
        "hasOutcome": has,
        "transactionCount": int(t.calls[k]),
        "inputTokens": inp,
        "outputTokens": out,
        "totalTokens": inp + out,
    }


def job_transactions(c: DayCalls, jobs: Jobs, j: int) -> list[dict[str, Any]]:
    k = int(jobs.trace[j])
    out = []
    for i in np.flatnonzero(c.trace == k).tolist():
        inp, o = int(c.input_tokens[i]), int(c.output_tokens[i])
        out.append(
            {
                "transactionId": c.transaction_id_str(i),
                "timestamp": iso_ms(int(c.request_ms[i])),
                "agent": cat.AGENTS[c.agent[i]].name,
                "model": MODELS[c.model[i]].name,
                "provider": PROVIDERS[c.provider[i]].name,
                "duration": int(c.duration_ms[i]),
                "cost": int(c.total_cost[i]) / 1e9,
                "inputTokens": inp,
                "outputTokens": o,
                "totalTokens": inp + o,
                "status": "error" if c.is_error[i] else "success",
            }
        )
    return out


def job_history(c: DayCalls, jobs: Jobs, j: int) -> list[dict[str, Any]]:
    if jobs.outcome[j] is None:
        return []
    r = int(traces_of(c).root_row[int(jobs.trace[j])])
    who = "ops@" + cat.ORGANIZATIONS[c.organization[r]].domain
    first = {
        "amendmentSequence": 0,
        "executionStatus": jobs.status[j],
        "outcomeType": jobs.first_outcome[j],
        "outcomeValue": 0.0 if jobs.amended[j] else float(jobs.value[j]),
        "outcomeCurrency": "USD",
        "outcomeMetadata": None,
        "reportedBy": who,
        "reportedAt": iso_ms(int(jobs.reported[j])),
        "reason": None,
    }
    if not jobs.amended[j]:
        return [first]
    second = {
        **first,
        "amendmentSequence": 1,
        "outcomeType": jobs.outcome[j],
        "outcomeValue": float(jobs.value[j]),
        "reportedAt": iso_ms(int(jobs.amended_at[j])),
        "reason": "customer confirmed the result",
    }
    return [first, second]
