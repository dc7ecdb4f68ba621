"""Trace marts on hand-built traces: critical path, bottleneck, circular patterns and interactions, by hand.

Six Revenium traces on one day (two more on a later day, described at DEEP and LOOP below), every call given as (name, agent, parent, start ms, duration ms) from the
trace's start; every call costs $0.25 (a binary fraction, so sums are exact). Worked answers:

* ``chain``   a(0-100) > b(150-450) > c(500-700). Critical path a>b>c = 100+300+200 = 600 ms; bottleneck b (300);
  trace 0-700 = 700 ms, so 100 ms of optimisation potential. No cycle.
* ``fanout``  root a(0-200) with children b(300-800), c(300-1100), d(300-600). Paths: a>b 700, a>c 1000,
  a>d 500 -> critical a>c 1000 ms, bottleneck c (800); trace 1100 ms, potential 100. No cycle.
* ``diamond`` a(0-100) calls b(150-350) and c(150-550); b calls d(400-700), c calls d(600-650). Paths:
  a>b>d = 100+200+300 = 600, a>c>d = 100+400+50 = 550 -> critical a>b>d 600 ms, bottleneck the d under b
  (300): the longest call of the trace (c, 400) is NOT on the critical path. Trace 700, potential 100.
  d appears on two branches, never twice on one path: no cycle.
* ``cycle3``  a > b > c > a > b, each 100 ms, 50 ms apart (0-100, 150-250, 300-400, 450-550, 600-700).
  Critical path = all five, 500 ms; every call ties at 100, so the bottleneck is the first (the root);
  trace 700, potential 200. Cycles: the 4th call (a) closes a>b>c>a, the 5th (b) closes b>c>a>b, the
  same cycle rotated: pattern 'agent-a > agent-b > agent-c > agent-a' twice, length 3, repeated cost
  $0.50 of the trace's $1.25 (share 0.4) -> severity 'medium' (2 occurrences; share >= 0.25).
* ``pingpong`` b > a > b > a > a > b (0-100, 150-250, 300-400, 450-550, 600-700, 750-850). The 3rd call
  closes b>a>b, the 4th a>b>a, the 5th (a after a) is a continuation, the 6th (b) closes b>a>a>b =
  b>a>b: pattern 'agent-a > agent-b > agent-a' three times, length 2 -> severity 'high'.
  Critical path = all six, 600 ms, bottleneck the root; trace 850 ms, potential 250.
* ``orphan``  root a(0-100) > b(150-350); c(200-700) names a parent that was never metered, and calls
  d(750-850). Paths: a>b 300, c>d 600 -> critical c>d (head c, a call with a missing parent) 600 ms,
  bottleneck c (500); one missing parent; trace 850 ms, potential 250.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .dbt_harness import create_raw_tables, insert_rows, query, run_dbt

pytestmark = pytest.mark.slow

DAY = "2024-01-01"
T0 = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC)
COST = 0.25

# trace -> [(call name, agent, parent call name or None or "missing", start ms, duration ms)]
TRACES: dict[str, list[tuple[str, str, str | None, int, int]]] = {
    "chain": [
        ("a", "agent-a", None, 0, 100),
        ("b", "agent-b", "a", 150, 300),
        ("c", "agent-c", "b", 500, 200),
    ],
    "fanout": [
        ("a", "agent-a", None, 0, 200),
        ("b", "agent-b", "a", 300, 500),
        ("c", "agent-c", "a", 300, 800),
        ("d", "agent-d", "a", 300, 300),
    ],
    "diamond": [
        ("a", "agent-a", None, 0, 100),
        ("b", "agent-b", "a", 150, 200),
        ("c", "agent-c", "a", 150, 400),
        ("d1", "agent-d", "b", 400, 300),
        ("d2", "agent-d", "c", 600, 50),
    ],
    "cycle3": [
        ("e0", "agent-a", None, 0, 100),
        ("e1", "agent-b", "e0", 150, 100),
        ("e2", "agent-c", "e1", 300, 100),
        ("e3", "agent-a", "e2", 450, 100),
        ("e4", "agent-b", "e3", 600, 100),
    ],
    "pingpong": [
        ("g0", "agent-b", None, 0, 100),
        ("g1", "agent-a", "g0", 150, 100),
        ("g2", "agent-b", "g1", 300, 100),
        ("g3", "agent-a", "g2", 450, 100),
        ("g4", "agent-a", "g3", 600, 100),
        ("g5", "agent-b", "g4", 750, 100),
    ],
    "orphan": [
        ("a", "agent-a", None, 0, 100),
        ("b", "agent-b", "a", 150, 200),
        ("c", "agent-c", "missing", 200, 500),
        ("d", "agent-d", "c", 750, 100),
    ],
}


# A later day (outside the first day's 7-day anomaly window, and the first day outside its window):
# * ``deep``: a chain of 60 calls by 60 different agents, each 10 ms except the 38th (50 ms), 5 ms apart.
#   Critical path = all 60, 59 x 10 + 50 = 640 ms, bottleneck the 38th; trace 640 + 59 x 5 = 935 ms,
#   potential 295. No cycle (no agent comes back).
# * ``loop``: a root r (100 ms) and two calls x, y whose vendor parents name each other (bad data). The root
#   is still r; the chain walk reaches only r (x and y have no head), so the critical path is r alone.
DAY_2 = "2024-01-10"
T2 = dt.datetime(2024, 1, 10, 9, 0, tzinfo=dt.UTC)
DEEP = [
    (
        f"n{k:02d}",
        f"deep-{k:02d}",
        None if k == 0 else f"n{k - 1:02d}",
        15 * k + (40 if k > 37 else 0),
        50 if k == 37 else 10,
    )
    for k in range(60)
]
LOOP = [("r", "agent-r", None, 0, 100), ("x", "agent-x", "y", 200, 100), ("y", "agent-y", "x", 400, 100)]


def _call_id(trace: str, name: str) -> str:
    return f"revenium:team-1:{trace}-{name}"


def _rows():
    traces = [(T0 + dt.timedelta(hours=k), trace, calls) for k, (trace, calls) in enumerate(TRACES.items())]
    traces += [(T2, "deep", DEEP), (T2 + dt.timedelta(hours=1), "loop", LOOP)]
    for start, trace, calls in traces:
        for name, agent, parent, at, duration in calls:
            begin = start + dt.timedelta(milliseconds=at)
            parent_tx = (
                None
                if parent is None
                else ("tx-never-metered" if parent == "missing" else f"tx-{trace}-{parent}")
            )
            yield {
                "team_id": "team-1",
                "id": f"{trace}-{name}",
                "metric_type": "COMPLETION",
                "request_time": begin,
                "response_time": begin + dt.timedelta(milliseconds=duration),
                "request_duration": duration,
                "transaction_id": f"tx-{trace}-{name}",
                "parent_transaction_id": parent_tx,
                "trace_id": trace,
                "trace_type": "workflow" if trace in TRACES else "other",
                "agent": agent,
                "provider": "OPENAI",
                "model": "gpt-4o",
                "input_token_count": 100,
                "output_token_count": 10,
                "total_token_count": 110,
                "total_cost": COST,
                "stop_reason": "END",
            }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("trace_marts")
    wh = work / "warehouse.duckdb"
    create_raw_tables(wh)
    insert_rows(wh, "raw_revenium", "completions", list(_rows()))
    # one invocation: the upstream models and every test on the way (the marts' own key and range tests too)
    run_dbt(wh, work, "build", "--select", "+marts.traces", "+marts.squads")
    return wh


def test_critical_path_and_bottleneck_worked_by_hand(built):
    rows = query(
        built,
        """select trace_id, critical_path_call_ids, critical_path_call_count, critical_path_duration_ms,
                  bottleneck_call_id, bottleneck_duration_ms, trace_duration_ms, optimisation_potential_ms,
                  head_call_id, missing_parent_count
           from marts.trace_critical_path order by trace_id""",
    )
    got = {r[0]: r[1:] for r in rows}

    def ids(trace: str, *names: str) -> str:
        return " > ".join(_call_id(trace, n) for n in names)

    assert got == {
        "chain": (ids("chain", "a", "b", "c"), 3, 600, _call_id("chain", "b"), 300, 700, 100, _call_id("chain", "a"), 0),
        "fanout": (ids("fanout", "a", "c"), 2, 1000, _call_id("fanout", "c"), 800, 1100, 100, _call_id("fanout", "a"), 0),
        "diamond": (
            ids("diamond", "a", "b", "d1"), 3, 600, _call_id("diamond", "d1"), 300, 700, 100, _call_id("diamond", "a"), 0
        ),
        "cycle3": (
            ids("cycle3", "e0", "e1", "e2", "e3", "e4"), 5, 500, _call_id("cycle3", "e0"), 100, 700, 200,
            _call_id("cycle3", "e0"), 0,
        ),
        "pingpong": (
            ids("pingpong", "g0", "g1", "g2", "g3", "g4", "g5"), 6, 600, _call_id("pingpong", "g0"), 100, 850, 250,
            _call_id("pingpong", "g0"), 0,
        ),
        "orphan": (ids("orphan", "c", "d"), 2, 600, _call_id("orphan", "c"), 500, 850, 250, _call_id("orphan", "c"), 1),
        "deep": (
            ids("deep", *(name for name, *_ in DEEP)), 60, 640, _call_id("deep", "n37"), 50, 935, 295,
            _call_id("deep", "n00"), 0,
        ),
        "loop": (ids("loop", "r"), 1, 100, _call_id("loop", "r"), 100, 500, 400, _call_id("loop", "r"), 0),
    }  # fmt: skip


def test_circular_patterns_worked_by_hand(built):
    rows = query(
        built,
        """select cycle_pattern, cycle_length, occurrence_count, trace_count, max_occurrences_in_trace,
                  cast(repeated_call_cost_usd as double), severity
           from marts.agent_circular_patterns where day = ? order by cycle_pattern""",
        [DAY],
    )
    assert rows == [
        ("agent-a > agent-b > agent-a", 2, 3, 1, 3, 0.75, "high"),
        ("agent-a > agent-b > agent-c > agent-a", 3, 2, 1, 2, 0.5, "medium"),
    ]
    per_trace = dict(query(built, "select trace_id, circular_call_count from marts.traces"))
    assert per_trace == {
        **{"chain": 0, "fanout": 0, "diamond": 0, "cycle3": 2, "pingpong": 3, "orphan": 0},
        **{"deep": 0, "loop": 2},
    }
    # the loop of parent links reads as x handing back to y and y to x: two closings, 2/3 of its cost: high
    assert query(
        built,
        """select cycle_pattern, occurrence_count, cast(repeated_call_cost_usd as double), severity
           from marts.agent_circular_patterns where day = ?""",
        [DAY_2],
    ) == [("agent-x > agent-y > agent-x", 2, 0.5, "high")]


def test_trace_rollup_worked_by_hand(built):
    rows = query(
        built,
        """select trace_id, call_count, duration_ms, max_depth, agent_count, missing_parent_count,
                  cast(cost_usd as double), total_tokens, root_agent_name
           from marts.traces order by day, trace_id""",
    )
    assert rows == [
        ("chain", 3, 700, 3, 3, 0, 0.75, 330, "agent-a"),
        ("cycle3", 5, 700, 5, 3, 0, 1.25, 550, "agent-a"),
        ("diamond", 5, 700, 3, 4, 0, 1.25, 550, "agent-a"),
        ("fanout", 4, 1100, 2, 4, 0, 1.0, 440, "agent-a"),
        ("orphan", 4, 850, 2, 4, 1, 1.0, 440, "agent-a"),
        ("pingpong", 6, 850, 6, 2, 0, 1.5, 660, "agent-b"),
        ("deep", 60, 935, 60, 60, 0, 15.0, 6600, "deep-00"),
        ("loop", 3, 500, 1, 3, 0, 0.75, 330, "agent-r"),  # x and y are reached by no chain
    ]


def test_agent_interactions_worked_by_hand(built):
    rows = query(
        built,
        """select from_agent_name, to_agent_name, call_count, cast(cost_usd as double), avg_handoff_gap_ms
           from marts.agent_interactions where day = ? order by 1, 2""",
        [DAY],
    )
    # hand-offs (parent agent -> child agent) with the wait from the parent's end; the orphan's c has none
    assert rows == [
        ("agent-a", "agent-a", 1, 0.25, 50.0),  # pingpong g3>g4
        # chain, fanout (gap 100), diamond, cycle3 e0>e1 and e3>e4, pingpong g1>g2 and g4>g5, orphan a>b
        ("agent-a", "agent-b", 8, 2.0, 450 / 8),
        ("agent-a", "agent-c", 2, 0.5, 75.0),  # fanout (100), diamond (50)
        ("agent-a", "agent-d", 1, 0.25, 100.0),  # fanout
        ("agent-b", "agent-a", 2, 0.5, 50.0),  # pingpong g0>g1, g2>g3
        ("agent-b", "agent-c", 2, 0.5, 50.0),  # chain, cycle3 e1>e2
        ("agent-b", "agent-d", 1, 0.25, 50.0),  # diamond b>d1
        ("agent-c", "agent-a", 1, 0.25, 50.0),  # cycle3 e2>e3
        ("agent-c", "agent-d", 2, 0.5, 50.0),  # diamond c>d2, orphan c>d
    ]


def test_cost_distribution_and_trace_type_daily_worked_by_hand(built):
    # trace costs (calls x $0.25), sorted: 0.75 (chain), 1.0, 1.0, 1.25, 1.25, 1.5 (pingpong); n = 6
    row = query(
        built,
        """select trace_count, cast(total_cost_usd as double), min_cost_usd, p50_cost_usd, p90_cost_usd,
                  p95_cost_usd, p99_cost_usd, max_cost_usd, mean_cost_usd, stddev_cost_usd
           from marts.trace_cost_distribution_daily where trace_type = 'workflow'""",
    )
    assert len(row) == 1
    n, total, low, p50, p90, p95, p99, high, mean, stddev = row[0]
    assert (n, total, low, high) == (6, 6.75, 0.75, 1.5)
    # percentile_cont: rank (n - 1) x p between the sorted values, linear interpolation
    assert p50 == pytest.approx((1.0 + 1.25) / 2, abs=1e-12)  # rank 2.5
    assert p90 == pytest.approx(1.25 + 0.5 * 0.25, abs=1e-12)  # rank 4.5
    assert p95 == pytest.approx(1.25 + 0.75 * 0.25, abs=1e-12)  # rank 4.75
    assert p99 == pytest.approx(1.25 + 0.95 * 0.25, abs=1e-12)  # rank 4.95
    assert mean == pytest.approx(1.125, abs=1e-12)
    # squared deviations from 1.125: 2 x 0.140625 + 4 x 0.015625 = 0.34375; sample variance 0.34375 / 5
    assert stddev == pytest.approx((0.34375 / 5) ** 0.5, abs=1e-12)
    daily = query(
        built,
        """select trace_count, call_count, cast(cost_usd as double), avg_calls_per_trace, avg_duration_ms
           from marts.trace_type_daily where day = ?""",
        [DAY],
    )
    # calls 3 + 4 + 5 + 5 + 6 + 4 = 27; durations 700 + 1100 + 700 + 700 + 850 + 850 = 4900
    assert daily == [(6, 27, 6.75, 4.5, pytest.approx(4900 / 6, abs=1e-9))]


def test_anomalies_worked_by_hand(built):
    # One day, so the window is the six traces. Sorted values and percentile_cont ranks 3.75 / 4.75 / 4.95:
    #   cost   0.75 1.0 1.0 1.25 1.25 1.5     -> P75 1.25, P95 1.4375, P99 1.4875: pingpong (1.5) above P99
    #   calls  3 4 4 5 5 6 (tokens = 110 x)   -> P75 5, P95 5.75, P99 5.95: pingpong (6) above P99
    #   ms     700 700 700 850 850 1100       -> P75 850, P95 1037.5, P99 1087.5: fanout (1100) above P99
    # Nothing is 5 x its P95, so nothing is extreme.
    rows = query(
        built,
        """select trace_id, metric_name, percentile_exceeded, p75, p95, p99, is_extreme, window_trace_count
           from marts.trace_anomalies where day = ? order by metric_name""",
        [DAY],
    )
    assert rows == [
        ("pingpong", "call_count", "P99", 5.0, 5.75, pytest.approx(5.95), False, 6),
        ("pingpong", "cost_usd", "P99", 1.25, 1.4375, pytest.approx(1.4875), False, 6),
        ("fanout", "duration_ms", "P99", 850.0, 1037.5, 1087.5, False, 6),
        ("pingpong", "total_tokens", "P99", 550.0, 632.5, pytest.approx(654.5), False, 6),
    ]

    # The later day's window holds its own two traces only (deep and loop): deep is above every percentile.
    #   cost 0.75, 15 -> P99 0.75 + 0.99 x 14.25 = 14.8575; calls 3, 60 -> 59.43; ms 500, 935 -> 930.65;
    #   tokens 330, 6600 -> 6537.3. Not 5 x P95 (P95 = 0.75 + 0.95 x 14.25 = 14.2875 for cost, ...).
    later = query(
        built,
        """select trace_id, metric_name, percentile_exceeded, p99, is_extreme, window_trace_count
           from marts.trace_anomalies where day = ? order by metric_name""",
        [DAY_2],
    )
    assert later == [
        ("deep", "call_count", "P99", pytest.approx(59.43), False, 2),
        ("deep", "cost_usd", "P99", pytest.approx(14.8575), False, 2),
        ("deep", "duration_ms", "P99", pytest.approx(930.65), False, 2),
        ("deep", "total_tokens", "P99", pytest.approx(6537.3), False, 2),
    ]
