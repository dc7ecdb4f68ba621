"""Which vendor records are one real call: the ground truth of consolidation across vendors, for tests.

Every call of the world is one real provider call. Revenium meters it; Helicone and orq.ai log it when it
went through them (``DayCalls.in_helicone`` / ``in_orq``). Each record is named by the ``call_id`` the
warehouse gives it (``revenium:<team>:<id>``, ``helicone:<request_id>``, ``orq:<span_id>``), so tests can
compare ``fct_consolidated_calls`` with this. The vendor faces never import this module (a test walks their
imports): nothing a client can fetch tells it which records are one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.observers import helicone_cost, helicone_request_ms, orq_costs
from simulator.prices import LIST_CACHE_READ, MODELS, OFF_PEAK, OFF_PEAK_WINDOW_S, UNLISTED
from simulator.revenium.agentic import tool_cost_by_trace
from simulator.revenium.media import media_cost
from simulator.world import DayCalls


@dataclass(frozen=True)
class TrueCall:
    """One real call: the warehouse call id of each vendor's record of it, and what it cost."""

    records: dict[str, str]
    cost_nano: int


def true_calls(calls: DayCalls) -> list[TrueCall]:
    """The day's real LLM calls (media calls are Revenium's alone: ``distinct_call_cost_nano``)."""
    result = []
    for i in range(calls.n):
        records = {"revenium": f"revenium:{calls.team_ids[calls.team[i]]}:{calls.metric_id_str(i)}"}
        if calls.in_helicone[i]:
            records["helicone"] = f"helicone:{calls.request_id_str(i)}"
        if calls.in_orq[i]:
            records["orq"] = f"orq:{calls.transaction_id_str(i)}"
        result.append(TrueCall(records, int(calls.total_cost[i])))
    return result


def tool_cost_nano(calls: DayCalls) -> int:
    """What the day's tool calls cost (nano-USD): Revenium alone meters them (``revenium/agentic.py``)."""
    return int(np.sum(tool_cost_by_trace(calls)))


def distinct_call_cost_nano(calls: DayCalls) -> int:
    """What the day's real calls cost, each once (nano-USD): the LLM calls, and the media calls Revenium
    alone meters (``revenium/media.py``)."""
    return int(np.sum(calls.total_cost)) + int(np.sum(media_cost(calls)))


def _list_nanos() -> tuple[np.ndarray, np.ndarray]:
    """Per model: the list prices as whole nano-dollars per token (input, output, cache read, cache write),
    the off-peak ones, and which models are listed at all."""
    base = np.array([m.nanos_per_token() for m in MODELS], dtype=np.int64)
    off_peak = base.copy()
    for i, model in enumerate(MODELS):
        if model.name in LIST_CACHE_READ:
            base[i, 2] = off_peak[i, 2] = round(LIST_CACHE_READ[model.name] * 1000)
        if model.name in OFF_PEAK:
            off_peak[i, :3] = [round(price * 1000) for price in OFF_PEAK[model.name]]
    return base, off_peak


def vendor_records(calls: DayCalls, vendor: str) -> np.ndarray:
    """Which calls of the day the vendor has a record of (bool)."""
    return {"revenium": np.ones(calls.n, dtype=bool), "helicone": calls.in_helicone, "orq": calls.in_orq}[
        vendor
    ]


def vendor_cost_nano(calls: DayCalls, vendor: str) -> np.ndarray:
    """Every call's cost as the vendor states it (nano-USD)."""
    if vendor == "helicone":
        return helicone_cost(calls)
    if vendor == "orq":
        return orq_costs(calls)["total_cost"]
    return calls.total_cost


def list_cost_nano(calls: DayCalls, vendor: str) -> np.ndarray:
    """Every call's cost at the public list price in force at the vendor's time of it, for the tokens as the
    vendor reports them (orq.ai reports no cache writes: they count as input); -1 for an unlisted model."""
    base, off_peak = _list_nanos()
    request_ms = helicone_request_ms(calls) if vendor == "helicone" else calls.request_ms
    second = (request_ms // 1000) % 86_400
    start, end = OFF_PEAK_WINDOW_S
    prices = np.where(((second >= start) | (second < end))[:, None], off_peak[calls.model], base[calls.model])
    cache_write = calls.cache_write_tokens if vendor != "orq" else np.zeros(calls.n, dtype=np.int64)
    uncached = calls.input_tokens + (calls.cache_write_tokens - cache_write)
    cost = (
        uncached * prices[:, 0]
        + calls.output_tokens * prices[:, 1]
        + calls.cache_read_tokens * prices[:, 2]
        + cache_write * np.where(prices[:, 3] > 0, prices[:, 3], prices[:, 0])
    )
    unlisted = np.isin(calls.model, [i for i, m in enumerate(MODELS) if m.name in UNLISTED])
    return np.where(unlisted, -1, cost).astype(np.int64)
