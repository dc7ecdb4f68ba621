"""Revenium's jobs, derived from the world's calls: one job per trace that carries an ``agenticJobId``, how
it turned out (drawn from its own random stream, so the calls never change), its ROI, transactions and
outcome history. The surfaces and the choices where the docs are silent are in the docstring of
``simulator.revenium.agentic``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator import catalogue as cat
from simulator import ids
from simulator.prices import MODELS, PROVIDERS
from simulator.revenium.agentic import DayTable, media_cost_by_trace, tool_cost_by_trace, traces_of
from simulator.timefmt import iso_ms
from simulator.world import DayCalls

STREAM_JOBS = 302

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


def job_keys(c: DayCalls) -> np.ndarray:
    """The uint64 part of the day's ``agenticJobId`` values (``job-<16 hex>``), for ``DayIdIndex``."""
    return c.trace_job_id[c.trace_job_type >= 0]


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
