"""What the world plants on purpose in its traces, so that tests can check the trace marts find exactly that.

Two kinds of traces and one kind of call pair are planted, all decided from the seed alone (``world.py``
draws the traces per trace, the pairs from their own stream):

* **Circular agent patterns.** A *ping-pong* chain (``TraceType.loop_pair``) hands off between two agents,
  A -> B -> A -> ... Every other trace is kept free of cycles: when the random choice of a child's agent
  would bring back an agent already on the path from the root (a hand-off back to an earlier agent, not a
  call of the parent's own agent), the child stays with its parent's agent instead
  (``break_unplanted_cycles``). So a trace has a circular pattern if and only if it was planted as one and
  its chain is long enough to close the loop.
* **Anomalous traces.** About ``ANOMALY_SHARE`` of traces have every prompt ``anomaly`` x larger (5-15x,
  outputs by its square root) and a runaway root prompt of at least ``ANOMALY_ROOT_PROMPT`` tokens
  (``runaway_root_prompt``). They are what ``trace_anomalies`` should flag as extreme.

* **Look-alike calls.** About ``LOOK_ALIKE_SHARE`` of the pairs of consecutive calls of a trace that start
  2-8 s apart (``LOOK_ALIKE_GAP_MS``), neither failed, become twins: the later one makes the same model
  call with the same tokens and cost as the earlier (a retry, a repeated tool loop). They are two calls,
  and consolidation across vendors must never take them for one (``look_alike_pairs`` says which).

The marts never read this module; tests compare what the marts find with what it reports.

Definitions shared with the marts (``agent_circular_patterns``): a *hand-off* is a parent call -> child call
with different agents; a *cycle* closes at a call whose agent already made a call on the path from the
root, with at least one other agent in between.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator import catalogue as cat
from simulator import ids

if TYPE_CHECKING:
    from simulator.world import DayCalls

LOOK_ALIKE_SHARE = 0.05
LOOK_ALIKE_GAP_MS = (2_000, 8_000)
LOOK_ALIKE_SALT = 0x100C

# Prompt tokens of the root call of a planted anomalous trace, at least (a runaway context).
ANOMALY_ROOT_PROMPT = 800_000


def break_unplanted_cycles(
    agent: np.ndarray, parent: np.ndarray, pos: np.ndarray, keep: np.ndarray
) -> np.ndarray:
    """Agents per call (generation order) with every cycle removed outside the ``keep`` calls.

    A child call (not in ``keep``) whose agent is on its ancestors' path but is not its parent's agent takes
    its parent's agent. Parents come before children in ``pos`` order, so one pass per depth suffices. No
    random numbers are drawn: the world's streams stay as they were.
    """
    agent = agent.copy()
    if len(agent) == 0:
        return agent
    if len(cat.AGENTS) > 63:
        raise ValueError("agent bitmasks hold at most 63 agents")
    # on_path[i]: bit a set when agent a made a call on the path from the root to call i (inclusive).
    on_path = np.zeros(len(agent), dtype=np.int64)
    roots = np.flatnonzero(pos == 0)
    on_path[roots] = np.left_shift(1, agent[roots].astype(np.int64))
    for k in range(1, int(pos.max()) + 1):
        rows = np.flatnonzero(pos == k)
        par = parent[rows]
        seen = (on_path[par] >> agent[rows].astype(np.int64)) & 1
        back = (seen == 1) & (agent[rows] != agent[par]) & ~keep[rows]
        agent[rows] = np.where(back, agent[par], agent[rows])
        on_path[rows] = on_path[par] | np.left_shift(1, agent[rows].astype(np.int64))
    return agent


def _trace_ids(calls: DayCalls, traces: np.ndarray) -> set[str]:
    return {ids.hex32(calls.trace_id_hi[t], calls.trace_id_lo[t]) for t in traces.tolist()}


def circular_trace_ids(calls: DayCalls) -> set[str]:
    """Trace ids of the day's planted circular patterns whose chain is long enough to close a loop.

    The ping-pong starts with the agent that is not the root's, so when the root's agent is one of the
    pair the loop closes at the third call (A -> B -> A), otherwise at the fourth (R -> A -> B -> A).
    """
    sizes = np.bincount(calls.trace, minlength=len(calls.trace_id_hi))
    root_rows = np.flatnonzero(calls.pos == 0)
    closes_at = np.zeros(len(sizes), dtype=np.int64)
    for r in root_rows.tolist():
        tt = cat.TRACE_TYPES[calls.trace_type[r]]
        closes_at[calls.trace[r]] = 3 if tt.loop_pair and tt.root_agent in tt.loop_pair else 4
    return _trace_ids(calls, np.flatnonzero(calls.trace_loop & (sizes >= closes_at) & (sizes > 0)))


def anomalous_trace_ids(calls: DayCalls) -> set[str]:
    """Trace ids of the day's planted anomalous traces (prompts scaled 5-15x)."""
    sizes = np.bincount(calls.trace, minlength=len(calls.trace_id_hi))
    return _trace_ids(calls, np.flatnonzero((calls.trace_anomaly > 1) & (sizes > 0)))


def runaway_root_prompt(prompt: np.ndarray, pos: np.ndarray, anomalous: np.ndarray) -> np.ndarray:
    """Prompt tokens per call with the root call of an anomalous trace raised to ``ANOMALY_ROOT_PROMPT``.

    Scaling every prompt 5-15x alone leaves a small agent's anomalous trace smaller than a big agent's
    ordinary one; a runaway root context makes every planted trace stand out of the whole distribution,
    which is what an analyst means by an anomalous trace (and what ``trace_anomalies`` flags as extreme).
    """
    return np.where(anomalous & (pos == 0), np.maximum(prompt, ANOMALY_ROOT_PROMPT), prompt)


def look_alike_pairs(
    rng: np.random.Generator, trace: np.ndarray, request_ms: np.ndarray, is_error: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(original, twin) rows to plant: consecutive calls of one trace ``LOOK_ALIKE_GAP_MS`` apart, neither
    failed, drawn with ``LOOK_ALIKE_SHARE``; a call is in one pair at most."""
    order = np.lexsort((request_ms, trace))
    first, second = order[:-1], order[1:]
    gap = request_ms[second] - request_ms[first]
    lo, hi = LOOK_ALIKE_GAP_MS
    eligible = (
        (trace[first] == trace[second]) & ~is_error[first] & ~is_error[second] & (gap >= lo) & (gap <= hi)
    )
    drawn = eligible & (rng.random(len(first)) < LOOK_ALIKE_SHARE)
    # a twin is never the original of the next pair
    drawn[1:] &= ~drawn[:-1]
    return first[drawn], second[drawn]


def planted_look_alikes(calls: DayCalls) -> list[tuple[int, int]]:
    """(original, twin) rows of the day's look-alike pairs, found in the day's calls: consecutive calls of one
    trace, ``LOOK_ALIKE_GAP_MS`` apart, same model and tokens. (Unplanted pairs this alike do not occur:
    tokens are drawn from continuous distributions.)"""
    order = np.lexsort((calls.request_ms, calls.trace))
    first, second = order[:-1], order[1:]
    gap = calls.request_ms[second] - calls.request_ms[first]
    lo, hi = LOOK_ALIKE_GAP_MS
    same = (calls.trace[first] == calls.trace[second]) & (gap >= lo) & (gap <= hi)
    for column in ("model", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"):
        values = getattr(calls, column)
        same &= values[first] == values[second]
    return list(zip(first[same].tolist(), second[same].tolist(), strict=True))
