"""Revenium's analytics host beyond cost-by-*: revenue, margin, tools, trace cost scatter, jobs ROI summary.

Every figure is computed from the world's calls (completions and media calls), tool events and jobs of the
visible window, across every team (the analytics host has no teamId). Envelopes follow docs/vendor-apis/revenium.md §5.3:
family B ``{"resourceType": "metric_aggregated", "_embedded": {"items": [{groupName, metrics: [...]}]},
"page", "_links"}``, family C ``{"resourceType": "scatter_chart", "dataPoints": [...]}`` and the jobs
ROI summary of §4.3. Choices the docs leave open [I]:

* Revenue: what the customer pays for a metered call = its cost x the product's markup + the product's
  per-call fee (``PRODUCT_PRICING``), kept in nano-dollars. Revenium computes revenue from its own pricing
  plans, which the simulator does not model.
* ``profit-margin-per-*``: ``margin`` = (revenue - cost) / revenue x 100 (PERCENTAGE), with the ``revenue``
  and ``cost`` (MONEY) it came from beside it.
* ``tool-success-rate``: per tool, ``successRate`` (PERCENTAGE, 0-100) and ``callCount``;
  ``top-tools-by-call-count``: the 20 most called tools, ``callCount``.
* ``trace-cost-distribution``: one point per trace (root call's transaction id), its cost including tool
  calls, calls, distinct tools, first request and last response.
* ``response-time-by-model`` / ``-vendor``: mean request duration of completions in SECONDS (§5.2 says the
  new endpoints answer in seconds), with ``callCount``; ``tool-latency``: mean tool duration in ms;
  ``agent-tool-breakdown``: tool cost and calls per ``agent/tool`` group (metric keys ``agent``, ``tool``,
  ``toolType``);
* time series (family A) ``cost-by-<dimension>``: buckets of one hour when the span is at most 48 hours,
  one day up to 90 days, else one calendar month (the thresholds are NOT FOUND; an assumption);
* ``top-movers`` (``groupBy`` model, default, or agent; else 400): the cost per group in [startDate, endDate)
  (``currentValue``) against the previous period of the same length ending at startDate
  (``previousValue``), both USD; ``metricResult`` (label ``costChange``, MONEY) = current - previous;
  ``trend`` UP when the cost grew or stayed, DOWN when it fell; every group with cost in either period,
  the largest absolute change first (no top-N cut);
* ``tokens-per-minute`` (family A, ``tokenType`` TOTAL by default, INPUT or OUTPUT; else 400): per
  provider and bucket, the completions' tokens requested in the bucket / the bucket's minutes (TOTAL =
  input + output = ``totalTokenCount``; media calls carry no tokens), label ``tokensPerMinute``,
  metricType COUNT, the metric repeats ``tokenType``;
* ``token-vs-tool-cost`` (family A): two groups per bucket, ``Token Costs`` (every metered call's cost,
  completions and media, by request time) and ``Tool Costs`` (tool events' cost, by event time);
* tasks: a task is a trace (one agent run), dated by its start, owned by the agent of its root call and
  completed when that root call did not fail. ``task-completion`` (family A: ``completedTasks`` per agent
  and bucket), ``task-completion-aggregated`` (one group ``total``), ``tasks-completed-by-agent``
  (``completedTasks``) and ``task-performance-by-agent`` (``totalTasks``, ``completedTasks``,
  ``successRate`` = completed / total x 100 PERCENTAGE, ``avgTaskDuration`` = mean first request to last
  response in SECONDS);
* ``avg-time-by-agent``: mean request duration of the agent's completions in SECONDS (§5.2), with
  ``callCount`` (like ``response-time-by-*``);
* ``cost-by-tool-aggregated`` / ``cost-by-tool-provider-aggregated`` and family A ``cost-by-tool`` /
  ``cost-by-tool-provider``: the tool events' cost (``cost`` MONEY, plus ``callCount`` in family B; the
  tool's metric repeats ``toolType``, ``toolProvider``) by the event's time; ``cost-by-vendor``: a vendor is
  the AI provider, so it equals ``cost-by-provider-aggregated``; family A ``cost-by-team``: the calls' cost
  per team id;
* ``jobs/roi-summary``: per job type; ``roi`` = (value - cost) / cost (a ratio, as the vendor fixture fits);
  ``tokenCost`` = the jobs' completions' cost, ``modalityCost`` = their media (audio, image, video) calls'
  cost, ``externalToolCost`` = their tool cost, ``humanCost`` 0; ``totalCost`` = the sum.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator.revenium import agentic as ag
from simulator.revenium import jobs as jb
from simulator.revenium import media
from simulator.timefmt import day_of_ms, iso_ms
from simulator.world import DayCalls, World

# product -> (markup on cost, fee per call in nano-USD)
PRODUCT_PRICING: dict[str, tuple[int, int]] = {
    "support-copilot": (3, 2_000_000),
    "code-assist": (2, 5_000_000),
    "insights-studio": (4, 1_000_000),
    "sales-pilot": (3, 3_000_000),
    "docs-ai": (2, 1_000_000),
}
_MARKUP = np.array([PRODUCT_PRICING[p.name][0] for p in cat.PRODUCTS], dtype=np.int64)
_FEE = np.array([PRODUCT_PRICING[p.name][1] for p in cat.PRODUCTS], dtype=np.int64)
TOP_TOOLS = 20


def _days(world: World, start: int, end: int) -> Iterator[DayCalls]:
    if end <= start:
        return
    for day in world.days(day_of_ms(max(start, 0)), day_of_ms(end - 1) + timedelta(days=1)):
        yield world.calls(day)


def revenue_and_cost(world: World, by: str, start: int, end: int) -> dict[str, tuple[int, int]]:
    """(revenue, cost) in nano-USD per customer (``by='organization'``) or product, completions + media."""
    names = [o.name for o in cat.ORGANIZATIONS] if by == "organization" else [p.name for p in cat.PRODUCTS]
    revenue = defaultdict(int)
    cost = defaultdict(int)
    for c in _days(world, start, end):
        rows = np.flatnonzero((c.request_ms >= start) & (c.request_ms < end))
        m = media.media_of(c)
        mrows = np.flatnonzero((m.request_ms >= start) & (m.request_ms < end))
        parts = [
            (getattr(c, by)[rows], c.product[rows], c.total_cost[rows]),
            (getattr(c, by)[m.parent[mrows]], c.product[m.parent[mrows]], m.cost[mrows]),
        ]
        for groups, products, costs in parts:
            rev = costs * _MARKUP[products] + _FEE[products]
            for g in np.unique(groups).tolist():
                sel = groups == g
                revenue[names[g]] += int(rev[sel].sum())
                cost[names[g]] += int(costs[sel].sum())
    return {k: (revenue[k], cost[k]) for k in revenue}


def tool_stats(world: World, start: int, end: int) -> dict[str, tuple[int, int]]:
    """(calls, successes) per tool id."""
    calls = defaultdict(int)
    ok = defaultdict(int)
    for c in _days(world, start, end):
        ev = ag.tool_events_of(c)
        sel = (ev.ms >= start) & (ev.ms < end)
        for t in range(len(ag.TOOLS)):
            mask = sel & (ev.tool == t)
            n = int(mask.sum())
            if n:
                calls[ag.TOOLS[t].tool_id] += n
                ok[ag.TOOLS[t].tool_id] += int(ev.success[mask].sum())
    return {k: (calls[k], ok[k]) for k in calls}


def aggregated_items(world: World, name: str, start: int, end: int) -> list[dict[str, Any]] | None:
    """Items of a family-B endpoint (ordered as the vendor would), or None for an unknown endpoint."""
    if name in (
        "revenue-per-customer",
        "revenue-per-product",
        "profit-margin-per-customer",
        "profit-margin-per-product",
    ):
        by = "organization" if name.endswith("customer") else "product"
        figures = revenue_and_cost(world, by, start, end)
        if name.startswith("revenue"):
            ordered = sorted(figures, key=lambda k: (-figures[k][0], k))
            return [
                {
                    "groupName": k,
                    "metrics": [
                        {"label": "revenue", "metricResult": figures[k][0] / 1e9, "metricType": "MONEY"}
                    ],
                }
                for k in ordered
            ]
        margin = {k: (r - c) / r * 100 if r else None for k, (r, c) in figures.items()}
        ordered = sorted(figures, key=lambda k: (-(margin[k] or 0), k))
        return [
            {
                "groupName": k,
                "metrics": [
                    {"label": "margin", "metricResult": round(margin[k], 4) if margin[k] is not None else None,
                     "metricType": "PERCENTAGE"},
                    {"label": "revenue", "metricResult": figures[k][0] / 1e9, "metricType": "MONEY"},
                    {"label": "cost", "metricResult": figures[k][1] / 1e9, "metricType": "MONEY"},
                ],
            }
            for k in ordered
        ]  # fmt: skip
    if name in ("tool-success-rate", "top-tools-by-call-count"):
        stats = tool_stats(world, start, end)
        ordered = sorted(stats, key=lambda k: (-stats[k][0], k))
        if name == "top-tools-by-call-count":
            return [
                {"groupName": k, "metrics": [{"label": "callCount", "metricResult": stats[k][0], "metricType": "COUNT"}]}
                for k in ordered[:TOP_TOOLS]
            ]  # fmt: skip
        return [
            {
                "groupName": k,
                "metrics": [
                    {"label": "successRate", "metricResult": round(stats[k][1] / stats[k][0] * 100, 4),
                     "metricType": "PERCENTAGE"},
                    {"label": "callCount", "metricResult": stats[k][0], "metricType": "COUNT"},
                ],
            }
            for k in ordered
        ]  # fmt: skip
    return None


def trace_cost_points(world: World, start: int, end: int) -> list[dict[str, Any]]:
    """Family C: one point per trace that started in [start, end)."""
    points = []
    for c in _days(world, start, end):
        t = ag.traces_of(c)
        tool_cost = ag.tool_cost_by_trace(c)
        ev = ag.tool_events_of(c)
        tools_per_trace: dict[int, set[int]] = defaultdict(set)
        for call, tool in zip(c.trace[ev.call].tolist(), ev.tool.tolist(), strict=True):
            tools_per_trace[call].add(tool)
        for k in np.flatnonzero((t.calls > 0) & (t.start >= start) & (t.start < end)).tolist():
            r = int(t.root_row[k])
            points.append(
                {
                    "transactionId": c.transaction_id_str(r),
                    "traceId": c.trace_id_str(r),
                    "agentName": cat.AGENTS[c.agent[r]].name,
                    "totalCost": (int(t.cost[k]) + int(tool_cost[k])) / 1e9,
                    "totalCalls": int(t.calls[k]),
                    "distinctTools": len(tools_per_trace.get(k, ())),
                    "traceStart": iso_ms(int(t.start[k])),
                    "traceEnd": iso_ms(int(t.end[k])),
                }
            )
    points.sort(key=lambda p: (p["traceStart"], p["transactionId"]))
    return points


def roi_summary(world: World, start: int, end: int, job_type: str | None) -> dict[str, Any]:
    per: dict[str, dict[str, Any]] = {}
    for c in _days(world, start, end):
        jobs = jb.jobs_of(c)
        t = ag.traces_of(c)
        tool_cost = ag.tool_cost_by_trace(c)
        media_cost = ag.media_cost_by_trace(c)
        for j in np.flatnonzero((jobs.created >= start) & (jobs.created < end)).tolist():
            k = int(jobs.trace[j])
            jt = cat.JOB_TYPES[c.trace_job_type[k]]
            if job_type and jt != job_type.lower():
                continue
            row = per.setdefault(
                jt,
                {
                    "jobs": 0,
                    "token": 0,
                    "media": 0,
                    "tool": 0,
                    "value": 0.0,
                    "conv": 0,
                    "defl": 0,
                    "ok": 0,
                    "outcomes": 0,
                },
            )
            row["jobs"] += 1
            row["token"] += int(t.cost[k])
            row["media"] += int(media_cost[k])
            row["tool"] += int(tool_cost[k])
            row["ok"] += jobs.status[j] == "SUCCESS"
            if jobs.outcome[j] is not None:
                row["outcomes"] += 1
                row["value"] += float(jobs.value[j])
                row["conv"] += jobs.outcome[j] == "CONVERTED"
                row["defl"] += jobs.outcome[j] == "DEFLECTED"
    by_type = []
    for jt in sorted(per):
        r = per[jt]
        cost = (r["token"] + r["media"] + r["tool"]) / 1e9
        by_type.append(
            {
                "jobType": jt,
                "totalJobs": r["jobs"],
                "totalCost": cost,
                "tokenCost": r["token"] / 1e9,
                "modalityCost": r["media"] / 1e9,
                "externalToolCost": r["tool"] / 1e9,
                "humanCost": 0.0,
                "conversions": r["conv"],
                "deflections": r["defl"],
                "totalValue": round(r["value"], 2),
                "averageValue": round(r["value"] / r["outcomes"], 4) if r["outcomes"] else 0.0,
                "costPerConversion": round(cost / r["conv"], 9) if r["conv"] else None,
                "costPerOutcome": round(cost / r["outcomes"], 9) if r["outcomes"] else None,
                "roi": round((r["value"] - cost) / cost, 4) if cost else None,
                "successRate": round(r["ok"] / r["jobs"], 4),
                "toolCostAttribution": "ALLOCATED_BY_AGENT",
            }
        )
    total_cost = sum(b["totalCost"] for b in by_type)
    total_value = sum(b["totalValue"] for b in by_type)
    return {
        "id": "jobs-roi-summary",
        "resourceType": "JobTypeRoiSummary",
        "label": "Job type ROI summary",
        "period": {"start": iso_ms(start), "end": iso_ms(end)},
        "byJobType": by_type,
        "summary": {
            "totalJobTypes": len(by_type),
            "totalJobs": sum(b["totalJobs"] for b in by_type),
            "totalCost": total_cost,
            "totalValue": round(total_value, 2),
            "overallROI": round((total_value - total_cost) / total_cost, 4) if total_cost else None,
        },
    }


# -- more family-B figures: response times, tool latency, agent x tool -----------------------------------
def response_times(world: World, by: str, start: int, end: int) -> dict[str, tuple[float, int]]:
    """(mean request duration in SECONDS, calls) per model, provider or agent, over completions [I]."""
    from simulator.prices import MODELS, PROVIDERS

    names = {
        "model": [m.name for m in MODELS],
        "provider": [p.name for p in PROVIDERS],
        "agent": [a.name for a in cat.AGENTS],
    }[by]
    total = defaultdict(int)
    count = defaultdict(int)
    for c in _days(world, start, end):
        rows = np.flatnonzero((c.request_ms >= start) & (c.request_ms < end))
        codes = getattr(c, by)[rows]
        for g in np.unique(codes).tolist():
            sel = codes == g
            total[names[g]] += int(c.duration_ms[rows][sel].sum())
            count[names[g]] += int(sel.sum())
    return {k: (total[k] / count[k] / 1000, count[k]) for k in count}


def tool_latency(world: World, start: int, end: int) -> dict[str, tuple[float, int]]:
    """(mean duration in ms, calls) per tool."""
    total = defaultdict(int)
    count = defaultdict(int)
    for c in _days(world, start, end):
        ev = ag.tool_events_of(c)
        sel = (ev.ms >= start) & (ev.ms < end)
        for t, d in zip(ev.tool[sel].tolist(), ev.duration[sel].tolist(), strict=True):
            total[ag.TOOLS[t].tool_id] += d
            count[ag.TOOLS[t].tool_id] += 1
    return {k: (total[k] / count[k], count[k]) for k in count}


def agent_tool_breakdown(world: World, start: int, end: int) -> dict[tuple[str, str], tuple[int, int]]:
    """(tool cost in nano-USD, calls) per (agent, tool)."""
    cost = defaultdict(int)
    count = defaultdict(int)
    for c in _days(world, start, end):
        ev = ag.tool_events_of(c)
        sel = np.flatnonzero((ev.ms >= start) & (ev.ms < end))
        for call, t in zip(ev.call[sel].tolist(), ev.tool[sel].tolist(), strict=True):
            key = (cat.AGENTS[c.agent[call]].name, ag.TOOLS[t].tool_id)
            cost[key] += ag.TOOLS[t].cost_nanos
            count[key] += 1
    return {k: (cost[k], count[k]) for k in count}


def more_items(world: World, name: str, start: int, end: int) -> list[dict[str, Any]] | None:
    if name in ("response-time-by-model", "response-time-by-vendor"):
        figures = response_times(world, "model" if name.endswith("model") else "provider", start, end)
        ordered = sorted(figures, key=lambda k: (-figures[k][0], k))
        return [
            {"groupName": k, "metrics": [
                {"label": "responseTime", "metricResult": round(figures[k][0], 6), "metricType": "SECONDS"},
                {"label": "callCount", "metricResult": figures[k][1], "metricType": "COUNT"},
            ]}
            for k in ordered
        ]  # fmt: skip
    if name == "tool-latency":
        figures = tool_latency(world, start, end)
        ordered = sorted(figures, key=lambda k: (-figures[k][0], k))
        return [
            {"groupName": k, "metrics": [
                {"label": "latency", "metricResult": round(figures[k][0], 6), "metricType": "MILLISECONDS"},
                {"label": "callCount", "metricResult": figures[k][1], "metricType": "COUNT"},
            ]}
            for k in ordered
        ]  # fmt: skip
    if name == "agent-tool-breakdown":
        figures = agent_tool_breakdown(world, start, end)
        ordered = sorted(figures, key=lambda k: (-figures[k][0], k))
        tool_type = {t.tool_id: t.tool_type for t in ag.TOOLS}
        return [
            {"groupName": f"{agent}/{tool}", "metrics": [
                {"label": "cost", "metricResult": figures[(agent, tool)][0] / 1e9, "metricType": "MONEY",
                 "agent": agent, "tool": tool, "toolType": tool_type[tool]},
                {"label": "callCount", "metricResult": figures[(agent, tool)][1], "metricType": "COUNT"},
            ]}
            for agent, tool in ordered
        ]  # fmt: skip
    return None


# -- tools by cost, tasks, tokens per minute ---------------------------------------------------------------
def tool_cost(world: World, by: str, start: int, end: int) -> dict[str, tuple[int, int]]:
    """(tool cost in nano-USD, calls) per tool id (``by='tool'``) or tool provider, by the event's time."""
    cost = defaultdict(int)
    count = defaultdict(int)
    for c in _days(world, start, end):
        ev = ag.tool_events_of(c)
        sel = (ev.ms >= start) & (ev.ms < end)
        present = np.bincount(ev.tool[sel], minlength=len(ag.TOOLS))
        for t in np.flatnonzero(present).tolist():
            tool = ag.TOOLS[t]
            key = tool.tool_id if by == "tool" else tool.provider
            cost[key] += int(present[t]) * tool.cost_nanos
            count[key] += int(present[t])
    return {k: (cost[k], count[k]) for k in count}


def tasks_by_agent(world: World, start: int, end: int) -> dict[str, tuple[int, int, int]]:
    """(tasks, completed tasks, summed task duration in ms) per agent of the task's root call.

    A task is a trace (one agent run) dated by its start; it is completed when its root call did not
    fail; its duration runs from its first request to its last response [I]."""
    tasks = defaultdict(int)
    done = defaultdict(int)
    duration = defaultdict(int)
    for c in _days(world, start, end):
        t = ag.traces_of(c)
        ks = np.flatnonzero((t.calls > 0) & (t.root_row >= 0) & (t.start >= start) & (t.start < end))
        agents = c.agent[t.root_row[ks]]
        ok = ~t.root_error[ks]
        spans = t.end[ks] - t.start[ks]
        for a in np.unique(agents).tolist():
            sel = agents == a
            name = cat.AGENTS[a].name
            tasks[name] += int(sel.sum())
            done[name] += int(ok[sel].sum())
            duration[name] += int(spans[sel].sum())
    return {k: (tasks[k], done[k], duration[k]) for k in tasks}


TOKEN_TYPES = ("TOTAL", "INPUT", "OUTPUT")


def tokens_by_provider(world: World, token_type: str, start: int, end: int) -> dict[str, int]:
    """Tokens of the completions requested in [start, end) per provider: TOTAL = input + output (the
    completions' ``totalTokenCount``), INPUT, OUTPUT; media calls carry no tokens [I]."""
    from simulator.prices import PROVIDERS

    out = defaultdict(int)
    for c in _days(world, start, end):
        rows = np.flatnonzero((c.request_ms >= start) & (c.request_ms < end))
        tokens = np.zeros(len(rows), dtype=np.int64)
        if token_type in ("TOTAL", "INPUT"):
            tokens += c.input_tokens[rows]
        if token_type in ("TOTAL", "OUTPUT"):
            tokens += c.output_tokens[rows]
        codes = c.provider[rows]
        for g in np.unique(codes).tolist():
            out[PROVIDERS[g].name] += int(tokens[codes == g].sum())
    return dict(out)


def _by_desc(figures: dict[str, Any], key: Any) -> list[str]:
    return sorted(figures, key=lambda k: (-key(figures[k]), k))


def task_items(world: World, name: str, start: int, end: int) -> list[dict[str, Any]] | None:
    """Family B: tools by cost, task completion and agent times (see the module docstring)."""
    if name in ("cost-by-tool-aggregated", "cost-by-tool-provider-aggregated"):
        by = "tool" if name == "cost-by-tool-aggregated" else "provider"
        figures = tool_cost(world, by, start, end)
        meta = {t.tool_id: {"toolType": t.tool_type, "toolProvider": t.provider} for t in ag.TOOLS}
        return [
            {"groupName": k, "metrics": [
                {"label": "cost", "metricResult": figures[k][0] / 1e9, "metricType": "MONEY",
                 **(meta[k] if by == "tool" else {})},
                {"label": "callCount", "metricResult": figures[k][1], "metricType": "COUNT"},
            ]}
            for k in _by_desc(figures, lambda f: f[0])
        ]  # fmt: skip
    if name in ("task-completion-aggregated", "tasks-completed-by-agent", "task-performance-by-agent"):
        figures = tasks_by_agent(world, start, end)
        if name == "task-completion-aggregated":
            total = sum(f[1] for f in figures.values())
            return [{"groupName": "total", "metrics": [
                {"label": "completedTasks", "metricResult": total, "metricType": "COUNT"}]}]  # fmt: skip
        if name == "tasks-completed-by-agent":
            return [
                {"groupName": k, "metrics": [
                    {"label": "completedTasks", "metricResult": figures[k][1], "metricType": "COUNT"}]}
                for k in _by_desc(figures, lambda f: f[1])
            ]  # fmt: skip
        return [
            {"groupName": k, "metrics": [
                {"label": "totalTasks", "metricResult": figures[k][0], "metricType": "COUNT"},
                {"label": "completedTasks", "metricResult": figures[k][1], "metricType": "COUNT"},
                {"label": "successRate", "metricResult": round(figures[k][1] / figures[k][0] * 100, 4),
                 "metricType": "PERCENTAGE"},
                {"label": "avgTaskDuration", "metricResult": round(figures[k][2] / figures[k][0] / 1000, 6),
                 "metricType": "SECONDS"},
            ]}
            for k in _by_desc(figures, lambda f: f[1] / f[0])
        ]  # fmt: skip
    if name == "avg-time-by-agent":
        figures = response_times(world, "agent", start, end)
        return [
            {"groupName": k, "metrics": [
                {"label": "avgTime", "metricResult": round(figures[k][0], 6), "metricType": "SECONDS"},
                {"label": "callCount", "metricResult": figures[k][1], "metricType": "COUNT"},
            ]}
            for k in _by_desc(figures, lambda f: f[0])
        ]  # fmt: skip
    return None
