"""What the world plants on purpose: circular agent patterns only where planted, anomalous traces that stand out.

Cycles are found here by walking each call's ancestors in plain Python (not with ``planted``'s own rule), on a
big day of a 20,000-call world, and compared with what ``planted`` reports.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from simulator import World, ids, planted


@pytest.fixture(scope="module")
def day():
    return World(seed=11, calls_per_day=20_000).calls(date(2025, 6, 3))


def _traces_with_a_cycle(c) -> set[str]:
    """Traces where some call's agent made an earlier call on its path, with another agent in between."""
    found = set()
    agent, parent = c.agent.tolist(), c.parent.tolist()
    for i in range(c.n):
        p = parent[i]
        if p < 0:
            continue
        seen_other = agent[p] != agent[i]
        j = parent[p]
        while j >= 0:
            if agent[j] == agent[i] and seen_other:
                found.add(ids.hex32(c.trace_id_hi[c.trace[i]], c.trace_id_lo[c.trace[i]]))
                break
            if agent[j] == agent[i]:  # a continuation of the same agent: the nearest occurrence, no cycle
                break
            seen_other = True
            j = parent[j]
    return found


def test_cycles_exist_exactly_where_planted(day):
    planted_ids = planted.circular_trace_ids(day)
    assert len(planted_ids) > 50
    assert _traces_with_a_cycle(day) == planted_ids


def test_anomalous_traces_stand_out_of_the_whole_distribution(day):
    tokens = np.zeros(len(day.trace_id_hi))
    np.add.at(
        tokens,
        day.trace,
        day.input_tokens + day.cache_read_tokens + day.cache_write_tokens + day.output_tokens,
    )
    trace_ids = [ids.hex32(h, lo) for h, lo in zip(day.trace_id_hi, day.trace_id_lo, strict=True)]
    planted_ids = planted.anomalous_trace_ids(day)
    anomalous = np.array([t in planted_ids for t in trace_ids])
    present = np.bincount(day.trace, minlength=len(tokens)) > 0
    assert 0.005 < anomalous[present].mean() < 0.02  # about 1% of traces
    # every planted trace holds a runaway prompt; no ordinary trace comes near it
    assert tokens[anomalous & present].min() >= planted.ANOMALY_ROOT_PROMPT
    assert tokens[~anomalous & present].max() < planted.ANOMALY_ROOT_PROMPT / 1.5


def test_breaking_cycles_draws_nothing_and_keeps_planted_chains():
    # root a=0; chain 0 > 1 > 0 (a cycle) and, planted, the same chain kept
    agent = np.array([0, 1, 0, 0, 1, 0])
    parent = np.array([-1, 0, 1, -1, 3, 4])
    pos = np.array([0, 1, 2, 0, 1, 2])
    keep = np.array([False, False, False, True, True, True])
    out = planted.break_unplanted_cycles(agent, parent, pos, keep)
    assert out.tolist() == [0, 1, 1, 0, 1, 0]  # the unplanted third call stays with its parent's agent
    assert agent.tolist() == [0, 1, 0, 0, 1, 0]  # the input is not modified
