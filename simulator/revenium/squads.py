"""Revenium's squads, derived from the world's calls: squad executions (one per squad, UTC hour and team)
and squad definitions aggregated over a period. The surfaces and the choices where the docs are silent are
in the docstring of ``simulator.revenium.agentic``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator import ids
from simulator.prices import MODELS, PROVIDERS
from simulator.revenium.agentic import traces_of
from simulator.timefmt import day_of_ms, iso_ms
from simulator.world import DayCalls, World

DEFAULT_SQUAD_PERIOD = "THIRTY_DAYS"


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


def runs_in_period(world: World, team: int, cutoff: int, period_ms: int) -> list[SquadRun]:
    """The team's executions that started in (cutoff - period, cutoff], oldest first. Each day's runs are kept
    by the world without their call rows (a listing does not read them; a detail or timeline finds its run
    again in its own day), so a long period costs one generation per day, once."""
    start = cutoff - period_ms
    out = []
    for day in world.days(day_of_ms(max(start, 0)), day_of_ms(cutoff) + timedelta(days=1)):
        runs = world.summary(day, "revenium:squad-runs", _listed_runs)
        out += [s for s in runs if s.team == team and start <= s.start <= cutoff]
    return out


def _listed_runs(c: DayCalls) -> list[SquadRun]:
    return [replace(s, rows=_NO_ROWS) for s in squad_runs(c)]


_NO_ROWS = np.empty(0, dtype=np.int64)


def squad_entities(runs: list[SquadRun]) -> list[dict[str, Any]]:
    by_squad: dict[int, list[SquadRun]] = {}
    for s in runs:
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
