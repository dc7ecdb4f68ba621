"""Revenium's completion records and the metrics lists of the platform host (analytics bucket).

* ``GET /profitstream/v2/api/sources/metrics/ai/completions``: the completions of one team (see the
  docstring of ``simulator.revenium.api``), built column-wise and, once built, kept encoded with the day;
* ``/sources/metrics/ai/audio``, ``/images``, ``/video``: the media calls (``simulator.revenium.media``);
* ``/sources/metrics/ai``: every modality, common fields only, with a ``metricType`` filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

from simulator import catalogue as cat
from simulator import ids
from simulator.ids import name_hashid
from simulator.prices import MODELS, PROVIDERS
from simulator.responses import Request, Response, json_response
from simulator.revenium import agentic as ag
from simulator.revenium import media
from simulator.revenium.options import still_listed, with_prompts
from simulator.revenium.paging import (
    BadRequest,
    error_response,
    list_body,
    page_block,
    paging,
    parse_window,
    sort_desc,
    windowed_list,
)
from simulator.timefmt import iso_ms
from simulator.views import DaySlice, revenium_team_rows, window_slices
from simulator.world import DayCalls

if TYPE_CHECKING:
    from simulator.revenium.api import ReveniumPlatform

COMPLETIONS_PATH = "/profitstream/v2/api/sources/metrics/ai/completions"
AI_PATH = "/profitstream/v2/api/sources/metrics/ai"
MEDIA_PATHS = {
    f"{AI_PATH}/audio": ("AUDIO", "aIAudioMetricResourceList"),
    f"{AI_PATH}/images": ("IMAGE", "aIImageMetricResourceList"),
    f"{AI_PATH}/video": ("VIDEO", "aIVideoMetricResourceList"),
}
METRIC_TYPES = ("COMPLETION", *media.MODALITIES)
COMMON_FIELDS = (
    "id", "transactionId", "metricType", "model", "provider", "modelSource", "operationType", "totalCost",
    "requestTime", "responseTime", "requestDuration", "errorReason", "traceId", "parentTransactionId",
    "traceType", "traceName", "taskType", "agent", "squadId", "agenticJobId", "environment", "region",
    "organization", "product", "subscriber", "subscriberCredential",
)  # fmt: skip


# -- records --------------------------------------------------------------------------------------------
_SUBSCRIPTIONS = {
    (o, p): name_hashid(f"subscription:{org.name}:{prod.name}")
    for o, org in enumerate(cat.ORGANIZATIONS)
    for p, prod in enumerate(cat.PRODUCTS)
}
_ORG_REFS = [{"id": o.id, "label": o.name} for o in cat.ORGANIZATIONS]
_PRODUCT_REFS = [{"id": p.id, "label": p.name} for p in cat.PRODUCTS]
_SUBSCRIBER_REFS = [{"id": s.id, "email": s.email} for s in cat.SUBSCRIBERS]
_CREDENTIAL_REFS = [{"id": c.id, "label": c.label} for c in cat.CREDENTIALS]


def completion_record(calls: DayCalls, i: int) -> dict[str, Any]:
    """One ``AICompletionMetricResource`` (no prompt text: list rows never carry it)."""
    i = int(i)
    error = bool(calls.is_error[i])
    req_ms = int(calls.request_ms[i])
    duration = int(calls.duration_ms[i])
    inp, out = int(calls.input_tokens[i]), int(calls.output_tokens[i])
    agent = cat.AGENTS[calls.agent[i]]
    org, product = int(calls.organization[i]), int(calls.product[i])
    source = "ORQ" if calls.in_orq[i] else "HELICONE" if calls.in_helicone[i] else "DIRECT"
    return {
        "id": calls.metric_id_str(i),
        "transactionId": calls.transaction_id_str(i),
        "metricType": "COMPLETION",
        "model": MODELS[calls.model[i]].name,
        "provider": PROVIDERS[calls.provider[i]].name,
        "modelSource": source,
        "operationType": agent.operation_type,
        "inputTokenCount": inp,
        "outputTokenCount": out,
        "totalTokenCount": inp + out,
        "cacheReadTokenCount": int(calls.cache_read_tokens[i]),
        "cacheCreationTokenCount": int(calls.cache_write_tokens[i]),
        "reasoningTokenCount": int(calls.reasoning_tokens[i]),
        "inputTokenCost": int(calls.input_cost[i]) / 1e9,
        "outputTokenCost": int(calls.output_cost[i]) / 1e9,
        "cacheReadTokenCost": int(calls.cache_read_cost[i]) / 1e9,
        "cacheCreationTokenCost": int(calls.cache_write_cost[i]) / 1e9,
        "totalCost": int(calls.total_cost[i]) / 1e9,
        "timeToFirstToken": None if error else int(calls.ttft_ms[i]),
        "requestDuration": duration,
        "tokensPerMinute": round((inp + out) * 60_000 / max(duration, 1), 2),
        "stopReason": cat.STOP_REASONS[calls.stop_reason[i]],
        "errorReason": cat.ERROR_KINDS[calls.error_kind[i]][0] if error else None,
        "requestTime": iso_ms(req_ms),
        "responseTime": iso_ms(req_ms + duration),
        "completionStartTime": None if error else iso_ms(req_ms + int(calls.ttft_ms[i])),
        "isStreamed": bool(calls.is_streamed[i]),
        "traceId": calls.trace_id_str(i),
        "parentTransactionId": calls.parent_transaction_id_str(i),
        "traceType": cat.TRACE_TYPES[calls.trace_type[i]].name,
        "traceName": cat.TRACE_NAMES[calls.trace_name[i]],
        "taskType": agent.task_type,
        "agent": agent.name,
        "squadId": calls.squad_id_str(i),
        "agenticJobId": calls.job_id_str(i),
        "environment": cat.ENVIRONMENTS[calls.environment[i]][0],
        "region": cat.REGIONS[calls.region[i]][0],
        "organization": dict(_ORG_REFS[org]),
        "product": dict(_PRODUCT_REFS[product]),
        "subscriber": dict(_SUBSCRIBER_REFS[calls.subscriber[i]]),
        "subscriberCredential": dict(_CREDENTIAL_REFS[calls.credential[i]]),
        "subscriptionId": _SUBSCRIPTIONS[(org, product)],
    }


def completion_records(calls: DayCalls, rows: np.ndarray) -> list[dict[str, Any]]:
    """``completion_record`` for many rows at once: the same dicts, with the numpy work done per column.

    Reading numpy scalars one by one and formatting ids and times per record cost most of a page's
    serving time; here ids and ISO times are formatted column-wise and the rest reads plain Python lists.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return []
    trace = calls.trace[rows]
    parent = calls.parent[rows]
    req = calls.request_ms[rows].astype(np.int64)
    dur = calls.duration_ms[rows].astype(np.int64)
    ttft = calls.ttft_ms[rows].astype(np.int64)
    metric_ids = ids.base62_many(calls.metric_id[rows], ids.METRIC_ID_WIDTH)
    tx = calls.transaction_id
    parent_tx = [
        None if p < 0 else ids.hex16(v)
        for p, v in zip(parent.tolist(), tx[np.maximum(parent, 0)].tolist(), strict=True)
    ]
    trace_ids = [
        ids.hex32(h, lo)
        for h, lo in zip(calls.trace_id_hi[trace].tolist(), calls.trace_id_lo[trace].tolist(), strict=True)
    ]
    req_iso = iso_ms_many(req)
    resp_iso = iso_ms_many(req + dur)
    start_iso = iso_ms_many(req + ttft)
    columns = zip(
        rows.tolist(),
        metric_ids,
        tx[rows].tolist(),
        parent_tx,
        trace_ids,
        calls.is_error[rows].tolist(),
        dur.tolist(),
        ttft.tolist(),
        calls.input_tokens[rows].tolist(),
        calls.output_tokens[rows].tolist(),
        calls.agent[rows].tolist(),
        calls.organization[rows].tolist(),
        calls.product[rows].tolist(),
        calls.model[rows].tolist(),
        calls.provider[rows].tolist(),
        calls.in_orq[rows].tolist(),
        calls.in_helicone[rows].tolist(),
        calls.cache_read_tokens[rows].tolist(),
        calls.cache_write_tokens[rows].tolist(),
        calls.reasoning_tokens[rows].tolist(),
        calls.input_cost[rows].tolist(),
        calls.output_cost[rows].tolist(),
        calls.cache_read_cost[rows].tolist(),
        calls.cache_write_cost[rows].tolist(),
        calls.total_cost[rows].tolist(),
        calls.stop_reason[rows].tolist(),
        calls.error_kind[rows].tolist(),
        req_iso,
        resp_iso,
        start_iso,
        calls.is_streamed[rows].tolist(),
        calls.trace_type[rows].tolist(),
        calls.trace_name[rows].tolist(),
        calls.environment[rows].tolist(),
        calls.region[rows].tolist(),
        calls.subscriber[rows].tolist(),
        calls.credential[rows].tolist(),
        strict=True,
    )
    out = []
    for (
        i, metric_id, tx_id, parent_id, trace_id, error, duration, first_token, inp, outp, agent_code, org,
        product, model, provider, in_orq, in_helicone, cache_read, cache_write, reasoning, input_cost,
        output_cost, cache_read_cost, cache_write_cost, total_cost, stop, error_kind, request_time,
        response_time, start_time, streamed, trace_type, trace_name, environment, region, subscriber,
        credential,
    ) in columns:  # fmt: skip
        agent = cat.AGENTS[agent_code]
        out.append(
            {
                "id": metric_id,
                "transactionId": ids.hex16(tx_id),
                "metricType": "COMPLETION",
                "model": MODELS[model].name,
                "provider": PROVIDERS[provider].name,
                "modelSource": "ORQ" if in_orq else "HELICONE" if in_helicone else "DIRECT",
                "operationType": agent.operation_type,
                "inputTokenCount": inp,
                "outputTokenCount": outp,
                "totalTokenCount": inp + outp,
                "cacheReadTokenCount": cache_read,
                "cacheCreationTokenCount": cache_write,
                "reasoningTokenCount": reasoning,
                "inputTokenCost": input_cost / 1e9,
                "outputTokenCost": output_cost / 1e9,
                "cacheReadTokenCost": cache_read_cost / 1e9,
                "cacheCreationTokenCost": cache_write_cost / 1e9,
                "totalCost": total_cost / 1e9,
                "timeToFirstToken": None if error else first_token,
                "requestDuration": duration,
                "tokensPerMinute": round((inp + outp) * 60_000 / max(duration, 1), 2),
                "stopReason": cat.STOP_REASONS[stop],
                "errorReason": cat.ERROR_KINDS[error_kind][0] if error else None,
                "requestTime": request_time,
                "responseTime": response_time,
                "completionStartTime": None if error else start_time,
                "isStreamed": streamed,
                "traceId": trace_id,
                "parentTransactionId": parent_id,
                "traceType": cat.TRACE_TYPES[trace_type].name,
                "traceName": cat.TRACE_NAMES[trace_name],
                "taskType": agent.task_type,
                "agent": agent.name,
                "squadId": calls.squad_id_str(i),
                "agenticJobId": calls.job_id_str(i),
                "environment": cat.ENVIRONMENTS[environment][0],
                "region": cat.REGIONS[region][0],
                "organization": dict(_ORG_REFS[org]),
                "product": dict(_PRODUCT_REFS[product]),
                "subscriber": dict(_SUBSCRIBER_REFS[subscriber]),
                "subscriberCredential": dict(_CREDENTIAL_REFS[credential]),
                "subscriptionId": _SUBSCRIPTIONS[(org, product)],
            }
        )
    return out


def iso_ms_many(ms: np.ndarray) -> list[str]:
    """``iso_ms`` of many epoch milliseconds, formatted by numpy."""
    text = np.datetime_as_string(np.asarray(ms, dtype=np.int64).astype("datetime64[ms]"), unit="ms")
    return [t + "Z" for t in text.tolist()]


def page_of(slices: list[DaySlice], offset: int, size: int, desc: bool) -> list[tuple[DayCalls, int]]:
    """Rows ``offset .. offset + size`` of the concatenated slices (oldest first, or newest first)."""
    out: list[tuple[DayCalls, int]] = []
    skip = offset
    for sl in reversed(slices) if desc else slices:
        if skip >= sl.count:
            skip -= sl.count
            continue
        take = min(sl.count - skip, size - len(out))
        if desc:
            rows = sl.index.rows[sl.hi - skip - take : sl.hi - skip][::-1]
        else:
            rows = sl.index.rows[sl.lo + skip : sl.lo + skip + take]
        out.extend((sl.calls, int(r)) for r in rows)
        skip = 0
        if len(out) >= size:
            break
    return out


def _runs_by_day(rows: list[tuple[DayCalls, int]]) -> Iterator[tuple[DayCalls, np.ndarray]]:
    """A page's rows as runs of rows of the same day, in order."""
    start = 0
    while start < len(rows):
        calls = rows[start][0]
        end = start
        while end < len(rows) and rows[end][0] is calls:
            end += 1
        yield calls, np.array([i for _, i in rows[start:end]], dtype=np.int64)
        start = end


def _records_of(rows: list[tuple[DayCalls, int]]) -> list[dict[str, Any]]:
    """The records of a page's rows, in order, built per run of rows from the same day."""
    return [record for calls, run in _runs_by_day(rows) for record in completion_records(calls, run)]


def _rendered_records(calls: DayCalls) -> np.ndarray:
    """The day's completion records as encoded JSON, by row; None where a row was never served."""
    return calls.view("revenium_completion_json", lambda c: np.full(c.n, None, dtype=object))


def _encoded_records_of(rows: list[tuple[DayCalls, int]]) -> list[orjson.Fragment]:
    """``_records_of`` already encoded, each record rendered once per day and kept with the day.

    A record's content depends only on its call, never on the request (visibility, soft deletes and
    late arrival choose rows, not fields), so a row served again — a re-run, a backfill, the benchmark's
    second read — costs a join of bytes instead of building and encoding its dict again.
    """
    out: list[orjson.Fragment] = []
    for calls, run in _runs_by_day(rows):
        rendered = _rendered_records(calls)
        missing = run[np.equal(rendered[run], None)]
        if len(missing):
            for row, record in zip(missing.tolist(), completion_records(calls, missing), strict=True):
                rendered[row] = orjson.dumps(record)
        out += [orjson.Fragment(b) for b in rendered[run].tolist()]
    return out


# -- the lists ------------------------------------------------------------------------------------------
def metrics_route(platform: ReveniumPlatform, req: Request, path: str) -> Callable[[], Response] | None:
    """The handler for a completions, media or all-modality list path, or None."""
    if path == COMPLETIONS_PATH:
        return lambda: completions_list(platform, req)
    if path in MEDIA_PATHS:
        modality, key = MEDIA_PATHS[path]
        return lambda: windowed_list(
            platform, req, lambda c: media.media_table(c, modality), key, ("timestamp", "requestTime"),
            f"AI{modality.title()}MetricResource", default_desc=True,
        )  # fmt: skip
    if path == AI_PATH:
        return lambda: windowed_list(
            platform, req, lambda c: ai_table(c, _metric_type(req)), "aIMetricResourceList",
            ("timestamp", "requestTime"), "AIMetricResource", default_desc=True,
        )  # fmt: skip
    return None


def completions_list(platform: ReveniumPlatform, req: Request) -> Response:
    """``GET .../sources/metrics/ai/completions``: one page of a team's completions."""
    team_id = req.param("teamId")
    if not team_id:
        raise BadRequest("teamId is required")
    if team_id not in platform.world.team_ids:
        return error_response(404, f"team not found: {team_id}")
    cutoff = platform.cutoff_ms()
    start, end = parse_window(req, cutoff)
    page, size = paging(req)
    desc = sort_desc(req)
    team = platform.world.team_ids.index(team_id)
    slices = list(
        window_slices(platform.world, ("revenium", team), revenium_team_rows(team), start, end, cutoff)
    )
    if platform.options.soft_delete_share or platform.options.late_share:
        slices = [still_listed(sl, platform.options, cutoff) for sl in slices]
    total = sum(s.count for s in slices)
    rows = page_of(slices, page * size, size, desc)
    block = page_block(size, total, page)
    if platform.options.serve_prompts:
        records: list[Any] = [with_prompts(r, platform.options) for r in _records_of(rows)]
    else:
        records = _encoded_records_of(rows)
    sort = "timestamp,desc" if desc else "timestamp,asc"
    body = list_body(platform.options, req, "aICompletionMetricResourceList", records, block, sort)
    return json_response(200, body)


def _metric_type(req: Request) -> str | None:
    value = req.param("metricType")
    if not value:
        return None
    if value.upper() not in METRIC_TYPES:
        raise BadRequest(f"Invalid metricType {value!r}; use one of {', '.join(METRIC_TYPES)}")
    return value.upper()


def ai_table(c: DayCalls, metric_type: str | None) -> ag.DayTable:
    """``/ai``: every modality's calls of the day (common fields), by (request time, id)."""
    m = media.media_of(c)  # dependencies first: DayCalls.view is not re-entrant

    def build(c: DayCalls) -> ag.DayTable:
        kinds = [metric_type] if metric_type else list(METRIC_TYPES)
        times, teams, refs = [], [], []
        if "COMPLETION" in kinds:
            times.append(c.request_ms)
            teams.append(c.team)
            refs += [("c", i) for i in range(c.n)]
        for j in range(len(m.model)):
            if m.modality(j) in kinds:
                refs.append(("m", j))
        media_rows = np.array([j for kind, j in refs if kind == "m"], dtype=np.int64)
        times.append(m.request_ms[media_rows])
        teams.append(c.team[m.parent[media_rows]])
        all_times = np.concatenate(times) if times else np.zeros(0, dtype=np.int64)
        order = np.argsort(all_times, kind="stable")

        def make(k: int) -> dict[str, Any]:
            kind, j = refs[int(order[k])]
            record = completion_record(c, j) if kind == "c" else media.media_record(c, m, j, common_only=True)
            return {f: record.get(f) for f in COMMON_FIELDS}

        return ag.DayTable(all_times[order], np.concatenate(teams)[order], make)

    return c.view(("revenium:ai_table", metric_type), build)
