"""The agentic routes of Revenium's platform host: traces, tool events, jobs and squads.

The records come from ``simulator.revenium.agentic`` (traces, tool events), ``squads`` and ``jobs``; the
surfaces and the choices where the docs are silent are in the docstring of ``simulator.revenium.agentic``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from simulator import catalogue as cat
from simulator.dayindex import hex_key
from simulator.responses import Request, Response, json_response
from simulator.revenium import agentic as ag
from simulator.revenium import jobs as jb
from simulator.revenium import squads as sq
from simulator.revenium.paging import (
    BadRequest,
    NotFound,
    list_body,
    page_block,
    paging,
    parse_window,
    period_ms,
    sort_param,
    windowed_list,
)
from simulator.timefmt import day_of_ms
from simulator.world import DayCalls

if TYPE_CHECKING:
    from simulator.revenium.api import ReveniumPlatform

TRACES_PATH = "/profitstream/v2/api/sources/metrics/ai/traces"
TOOL_EVENTS_PATH = "/profitstream/v2/api/sources/metrics/tool/events"
SQUADS_PATH = "/profitstream/v2/api/squads"
JOBS_PATH = "/profitstream/v2/api/jobs"


def _find_squad(platform: ReveniumPlatform, team: int, squad_id: str) -> tuple[DayCalls, sq.SquadRun]:
    parsed = sq.parse_squad_id(squad_id)
    if parsed is not None and platform.world.start_day <= parsed[1]:
        c = platform.world.calls(parsed[1])
        for s in sq.squad_runs(c):
            if s.squad_id == squad_id and s.team == team and s.start <= platform.cutoff_ms():
                return c, s
    raise NotFound(f"squad not found: {squad_id}")


def _find_job(platform: ReveniumPlatform, team: int, job_id: str) -> tuple[DayCalls, jb.Jobs, int]:
    """A job by agenticJobId, on any day the world serves up to the clock (``simulator.dayindex``)."""
    cutoff = platform.cutoff_ms()
    key = hex_key(job_id[len("job-") :]) if job_id.startswith("job-") and len(job_id) == 20 else None
    if key is not None:
        for day in platform.job_days.days(key, day_of_ms(cutoff)):
            c = platform.world.calls(day)
            jobs = jb.jobs_of(c)
            j = jobs.by_id.get(job_id)
            if j is not None and int(jobs.team[j]) == team and int(jobs.created[j]) <= cutoff:
                return c, jobs, j
    raise NotFound(f"job not found: {job_id}")


def agentic_route(platform: ReveniumPlatform, req: Request, path: str) -> Callable[[], Response] | None:
    """The handler for an agentic path, or None (404)."""
    if path == TRACES_PATH:
        return lambda: windowed_list(
            platform, req, ag.trace_table, "aITraceMetricResourceList", ("startTime",),
            "AITraceMetricResource", dates=ag.TRACE_DATE_FILTER,
        )  # fmt: skip
    if path == TOOL_EVENTS_PATH:
        return lambda: windowed_list(
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
            "": jb.job_record,
            "roi": lambda c, jobs, j: jb.job_roi(c, jobs, j),
            "outcome/history": lambda c, jobs, j: jb.job_history(c, jobs, j),
            "transactions": lambda c, jobs, j: _paged_transactions(req, jb.job_transactions(c, jobs, j)),
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
                sq.squad_execution_record(_find_squad(platform, platform.team_index(req), squad_id)[1], True),
            )
        if rest == "timeline":
            return lambda: json_response(
                200, sq.squad_timeline(*_find_squad(platform, platform.team_index(req), squad_id))
            )
    return None


def _paged_transactions(req: Request, events: list[dict[str, Any]]) -> dict[str, Any]:
    page, size = paging(req)
    return {"transactions": events[page * size : (page + 1) * size], "totalCount": len(events)}


def _squads_list(platform: ReveniumPlatform, req: Request, entities: bool) -> Response:
    team = platform.team_index(req)
    period = period_ms(req, sq.DEFAULT_SQUAD_PERIOD) or 0
    runs = sq.runs_in_period(platform.world, team, platform.cutoff_ms(), period)
    if entities:
        records = sq.squad_entities(runs)
        key = "squadResourceList"
    else:
        records = [sq.squad_execution_record(s) for s in reversed(runs)]  # newest first
        key = "squadExecutionResourceList"
    if platform.options.squads_envelope == "bare":
        return json_response(200, records)
    block = page_block(max(len(records), 1), len(records), 0)
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
    def noted_table(c: DayCalls) -> ag.DayTable:  # the detail requests that follow find the day at once
        platform.job_days.note(c)
        return jb.job_table(c)

    keep = _job_filter(req)
    filtered = any(req.param(k) for k in ("executionStatus", "outcomeType", "type", "jobType"))
    if not filtered:
        return windowed_list(platform, req, noted_table, "jobResourceList", ("created",), "JobResource")
    team = platform.team_index(req)
    cutoff = platform.cutoff_ms()
    start, end = parse_window(req, cutoff)
    end = min(end, cutoff + 1)
    records = []
    if end > start:
        for day in platform.world.days(day_of_ms(max(start, 0)), day_of_ms(end - 1) + timedelta(days=1)):
            t = noted_table(platform.world.calls(day))
            records += [r for r in map(t.make, t.window(team, start, end).tolist()) if keep(r)]
    page, size = paging(req)
    desc = sort_param(req, ("created",), True, "JobResource")
    if desc:
        records.reverse()
    block = page_block(size, len(records), page)
    body = list_body(
        platform.options, req, "jobResourceList", records[page * size : (page + 1) * size], block
    )
    return json_response(200, body)


def _conversion_funnel(platform: ReveniumPlatform, req: Request) -> Response:
    team = platform.team_index(req)
    cutoff = platform.cutoff_ms()
    start, end = parse_window(req, cutoff)
    end = min(end, cutoff + 1)
    job_type, env = req.param("jobType"), req.param("environment")
    total = successful = converted = 0
    if end > start:
        for day in platform.world.days(day_of_ms(max(start, 0)), day_of_ms(end - 1) + timedelta(days=1)):
            t = jb.job_table(platform.world.calls(day))
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
