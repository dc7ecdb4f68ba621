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
