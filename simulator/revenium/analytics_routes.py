"""The routes of Revenium's analytics host (``app.revenium.ai``, ``/api/v2/analytics/...``).

* ``cost-by-<dimension>-aggregated`` (family B) and ``cost-by-<dimension>`` (family A, time series) over
  ``AGGREGATED_DIMENSIONS``, from ``cost_by`` (completions and media calls, every team);
* ``TIMESERIES_EXTRA`` (family A) and ``ANALYTICS_EXTRA`` (family B, the scatter chart, the jobs ROI
  summary, ``top-movers``, ``cost-by-vendor``), whose figures are in ``simulator.revenium.analytics``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator import catalogue as cat
from simulator.prices import MODELS, PROVIDERS
from simulator.responses import Request, Response, json_response
from simulator.revenium import analytics as an
from simulator.revenium import media
from simulator.revenium.paging import BadRequest, href, links, page_block, paging, parse_window
from simulator.timefmt import datetime_to_ms_ceil, day_of_ms, iso_ms
from simulator.views import all_rows, window_slices
from simulator.world import World

if TYPE_CHECKING:
    from simulator.revenium.api import ReveniumAnalytics

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


# -- handlers (the face routes to them) -----------------------------------------------------------------
def timeseries(face: ReveniumAnalytics, req: Request, column: str, names: list[str]) -> Response:
    """Family A: cost per group in buckets of an hour (span <= 48 h), a day (<= 90 days) or a month."""

    def groups_of(b_start: int, b_end: int, cutoff: int) -> list[dict[str, Any]]:
        cost, count = cost_by(face.world, column, len(names), b_start, b_end, cutoff)
        return _cost_groups({names[g]: cost[g] for g in range(len(names)) if count[g]})

    return series(face, req, groups_of)


def series_groups(
    face: ReveniumAnalytics, req: Request, name: str
) -> Callable[[int, int, int], list[dict[str, Any]]]:
    """The groups of one bucket [b_start, b_end) of a TIMESERIES_EXTRA endpoint (visible up to cutoff)."""
    world = face.world
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


def series(
    face: ReveniumAnalytics, req: Request, groups_of: Callable[[int, int, int], list[dict[str, Any]]]
) -> Response:
    cutoff = face.cutoff_ms()
    start, end = parse_window(req, cutoff)
    items = [
        {"startTimestamp": iso_ms(b_start), "endTimestamp": iso_ms(b_end), "groups": groups_of(b_start, b_end, cutoff)}
        for b_start, b_end in _buckets(start, end, end - start)
    ]  # fmt: skip
    return json_response(
        200,
        {
            "resourceType": "metric_timeseries",
            "_embedded": {"items": items},
            "_links": {"self": {"href": href(req)}},
        },
    )


def extra(face: ReveniumAnalytics, req: Request, name: str) -> Response:
    cutoff = face.cutoff_ms()
    start, end = parse_window(req, cutoff)
    end = min(end, cutoff + 1)
    if name == "trace-cost-distribution":
        points = an.trace_cost_points(face.world, start, end)
        return json_response(200, {"resourceType": "scatter_chart", "dataPoints": points})
    if name == "jobs/roi-summary":
        body = an.roi_summary(face.world, start, end, req.param("jobType"))
        body["_links"] = {"self": {"href": href(req)}}
        return json_response(200, body)
    if name == "top-movers":
        items = top_movers(face.world, req.param("groupBy") or "model", start, end, cutoff)
    elif name == "cost-by-vendor":
        cost, count = cost_by(face.world, "provider", len(PROVIDERS), start, end, cutoff)
        items = _cost_groups({PROVIDERS[g].name: cost[g] for g in range(len(PROVIDERS)) if count[g]})
    else:
        items = (
            an.aggregated_items(face.world, name, start, end)
            or an.more_items(face.world, name, start, end)
            or an.task_items(face.world, name, start, end)
            or []
        )
    page, size = paging(req)
    block = page_block(size, len(items), page)
    return json_response(
        200,
        {
            "resourceType": "metric_aggregated",
            "_embedded": {"items": items[page * size : (page + 1) * size]},
            "page": block,
            "_links": links(req, page, size, block["totalPages"]),
        },
    )


def aggregated(face: ReveniumAnalytics, req: Request, column: str, names: list[str]) -> Response:
    cutoff = face.cutoff_ms()
    start, end = parse_window(req, cutoff)
    page, size = paging(req)
    cost, count = cost_by(face.world, column, len(names), start, end, cutoff)
    groups = sorted((g for g in range(len(names)) if count[g]), key=lambda g: (-cost[g], names[g]))
    block = page_block(size, len(groups), page)
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
            "_links": links(req, page, size, block["totalPages"]),
        },
    )
