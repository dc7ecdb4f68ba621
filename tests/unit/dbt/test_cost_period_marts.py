"""Whole-period cost marts on hand-made rows: top movers, true percentiles, top-N tools, tasks, cost kinds, views.

Every expected number is worked out by hand in the comments from the rows of ``_seed`` (Revenium
completions and tool events over three days D1..D3; costs are binary fractions so sums are exact). The
run sets the period vars (``analytics_period_days``, ``top_mover_period_days``) to ``[1, 2]`` and
``top_tools_limit`` to 2 so that the periods stay small enough to check by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .dbt_harness import create_raw_tables, insert_rows, query, run_dbt, utc

pytestmark = pytest.mark.slow

D0, D1, D2, D3 = "2024-03-31", "2024-04-01", "2024-04-02", "2024-04-03"

# (id, day, time, model, cost, duration ms)
CALLS = [
    ("r1", D1, "01:00", "m-a", 1.0, 100),
    ("r7", D1, "02:00", "m-a", 0.0, 200),
    ("r9", D1, "03:00", "m-a", 0.0, 600),
    ("r2", D1, "04:00", "m-b", 0.5, 50),
    ("r3", D2, "01:00", "m-a", 0.25, 400),
    ("r8", D2, "02:00", "m-a", 0.0, 1000),
    ("r4", D2, "03:00", "m-b", 2.0, 50),
    ("r5", D2, "04:00", "m-c", 0.125, 50),
    ("r6", D3, "01:00", "m-a", 1.5, 300),
    ("r10", D2, "23:59", "m-b", 0.0, 120_000),
    ("r11", D3, "00:00", "m-b", 0.0, 90_000),
]
# tasks (traces): call id -> (trace, parent call, agent, failed); calls not listed belong to no trace
TASK_CALLS = {
    "r1": ("T1", None, "planner", False),  # T1: 01:00 .. r7's end 02:00:00.200 on D1, completed
    "r7": ("T1", "r1", "planner", False),
    "r9": ("T2", None, "planner", True),  # T2: one failed root call of 600 ms on D1
    "r10": ("T4", None, "writer", False),  # T4: D2 23:59 .. r11's end D3 00:01:30, dated D2
    "r11": ("T4", "r10", "planner", False),  # a child's agent does not own the task
    "r6": ("T3", None, "planner", False),  # T3: 300 ms on D3
}
# (day, tool id, calls); every tool call costs 0.0625 and succeeds, agent 'planner'
TOOL_CALLS = [(D1, "t-x", 3), (D1, "t-y", 2), (D1, "t-z", 1), (D2, "t-z", 4), (D2, "t-y", 1)]


def _trace_fields(call_id: str) -> dict:
    trace_id, parent, agent, failed = TASK_CALLS.get(call_id, (None, None, "planner", False))
    fields = {"trace_id": trace_id, "parent_transaction_id": parent, "agent": agent}
    return {**fields, "stop_reason": "ERROR", "error_reason": "timeout"} if failed else fields


def _seed(wh: Path) -> None:
    insert_rows(
        wh,
        "raw_revenium",
        "completions",
        [
            {
                "team_id": "team-1",
                "id": call_id,
                "transaction_id": call_id,
                "metric_type": "COMPLETION",
                "request_time": utc(day, time),
                "response_time": utc(day, time) + dt.timedelta(milliseconds=duration),
                "provider": "OPENAI",
                "model": model,
                "input_token_count": 10,
                "output_token_count": 5,
                "total_cost": cost,
                "request_duration": duration,
                **_trace_fields(call_id),
            }
            for call_id, day, time, model, cost, duration in CALLS
        ],
    )
    insert_rows(
        wh,
        "raw_revenium",
        "tool_events",
        [
            {
                "team_id": "team-1",
                "id": f"{day}-{tool}-{i}",
                "tool_id": tool,
                "tool_provider": f"{tool}-inc",
                "agent": "planner",
                "success": True,
                "duration_ms": 10,
                "cost_usd": 0.0625,
                "event_time": utc(day, f"0{i}:30"),
            }
            for day, tool, n in TOOL_CALLS
            for i in range(n)
        ],
    )


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("cost_period_marts")
    path = work / "warehouse.duckdb"
    create_raw_tables(path)
    _seed(path)
    run_dbt(
        path,
        work,
        "run",  # the marts only: their dbt tests run in test_cost_marts.py's builds
        "--select",
        "+cost_top_movers +latency_by_model +top_tools_by_call_count +cost_by_model_daily +cost_by_tool_daily "
        "+task_completion_daily +task_performance_by_agent",
        vars={"analytics_period_days": [1, 2], "top_mover_period_days": [1, 2], "top_tools_limit": 2},
    )
    return path


def _movers(wh: Path, period_end: str, period_days: int) -> list[tuple]:
    return query(
        wh,
        "select dimension_value, current_cost_usd, previous_cost_usd, cost_change_usd, trend, cost_change_ratio, "
        "mover_rank, days_loaded_current, days_loaded_previous from marts.cost_top_movers "
        "where dimension_name = 'model' and period_end = cast(? as date) and period_days = ? order by mover_rank",
        [period_end, period_days],
    )


def test_top_movers_of_one_day_against_the_day_before(wh):
    # D2 vs D1: m-b 2.0 - 0.5 = +1.5; m-a 0.25 - 1.0 = -0.75; m-c new, 0.125 - 0 (no ratio)
    assert _movers(wh, D2, 1) == [
        ("m-b", 2.0, 0.5, 1.5, "UP", 3.0, 1, 1, 1),
        ("m-a", 0.25, 1.0, -0.75, "DOWN", -0.75, 2, 1, 1),
        ("m-c", 0.125, 0.0, 0.125, "UP", None, 3, 1, 1),
    ]
    # D3 vs D2: values without cost in the period still move: m-b -2.0 ranks above m-a +1.25
    assert _movers(wh, D3, 1) == [
        ("m-b", 0.0, 2.0, -2.0, "DOWN", -1.0, 1, 1, 1),
        ("m-a", 1.5, 0.25, 1.25, "UP", 5.0, 2, 1, 1),
        ("m-c", 0.0, 0.125, -0.125, "DOWN", -1.0, 3, 1, 1),
    ]


def test_top_movers_of_two_days_against_the_two_before(wh):
    # [D2, D3] vs [D0, D1] (D0 has no data: one day loaded of the previous period)
    # m-b 2.0 vs 0.5 = +1.5; m-a 0.25 + 1.5 = 1.75 vs 1.0 = +0.75; m-c 0.125 vs 0
    assert _movers(wh, D3, 2) == [
        ("m-b", 2.0, 0.5, 1.5, "UP", 3.0, 1, 2, 1),
        ("m-a", 1.75, 1.0, 0.75, "UP", 0.75, 2, 2, 1),
        ("m-c", 0.125, 0.0, 0.125, "UP", None, 3, 2, 1),
    ]
    # the first day has no earlier data at all
    assert {r[8] for r in _movers(wh, D1, 2)} == {0}
    assert query(
        wh,
        "select min(previous_start), max(previous_end) from marts.cost_top_movers "
        "where period_end = cast(? as date) and period_days = 2",
        [D3],
    )[0] == (
        dt.date.fromisoformat(D0),
        dt.date.fromisoformat(D1),
    )


def _latency(wh: Path, model: str, period_end: str, period_days: int) -> tuple:
    (row,) = query(
        wh,
        "select call_count, days_with_calls, avg_duration_ms, p50_duration_ms, p95_duration_ms "
        "from marts.latency_by_model where request_model = ? and period_end = cast(? as date) and period_days = ?",
        [model, period_end, period_days],
    )
    return row


def test_percentiles_are_over_the_periods_calls_not_averages_of_days(wh):
    # m-a, D1: 100, 200, 600 -> median 200; p95 at rank 0.95 * 2 = 1.9: 200 + 0.9 * (600 - 200) = 560
    assert _latency(wh, "m-a", D1, 1) == (3, 1, 300.0, 200.0, pytest.approx(560.0))
    # m-a, D2: 400, 1000 -> median 700; p95 400 + 0.95 * 600 = 970
    assert _latency(wh, "m-a", D2, 1) == (2, 1, 700.0, 700.0, pytest.approx(970.0))
    # m-a, [D1, D2]: 100, 200, 400, 600, 1000 -> mean 460, median 400 (not (200 + 700) / 2 = 450);
    # p95 at rank 0.95 * 4 = 3.8: 600 + 0.8 * 400 = 920 (not (560 + 970) / 2 = 765)
    assert _latency(wh, "m-a", D2, 2) == (5, 2, 460.0, 400.0, pytest.approx(920.0))


def test_top_tools_are_ranked_over_the_whole_period(wh):
    def top(period_end: str, period_days: int) -> list[tuple]:
        return query(
            wh,
            "select call_count_rank, tool_id, call_count from marts.top_tools_by_call_count "
            "where period_end = cast(? as date) and period_days = ? order by call_count_rank",
            [period_end, period_days],
        )

    assert top(D1, 1) == [(1, "t-x", 3), (2, "t-y", 2)]  # t-z (1 call) is cut by the limit of 2
    assert top(D2, 1) == [(1, "t-z", 4), (2, "t-y", 1)]
    # [D1, D2]: t-z 5, t-x 3, t-y 3 (tie broken by tool id) -- t-x, no call on D2, is in the period's top 2
    assert top(D2, 2) == [(1, "t-z", 5), (2, "t-x", 3)]


def test_tool_cost_is_its_own_kind_in_the_long_table(wh):
    rows = dict(
        query(
            wh,
            "select dimension_name || '/' || cost_kind, sum(cost_usd) from marts.cost_by_dimension_daily "
            "where dimension_name in ('model', 'provider', 'tool', 'tool_provider') group by all",
        )
    )
    # calls: 1.0 + 0.5 + 0.25 + 2.0 + 0.125 + 1.5 = 5.375; tool calls: 11 x 0.0625 = 0.6875
    assert rows == {
        "model/token": 5.375,
        "provider/token": 5.375,
        "tool/tool": 0.6875,
        "tool_provider/tool": 0.6875,
    }
    assert query(
        wh,
        "select day, tool_id, call_count, total_tokens, cost_usd from marts.cost_by_tool_daily "
        "where day = cast(? as date) order by tool_id",
        [D2],
    ) == [
        (dt.date.fromisoformat(D2), "t-y", 1, 0, 0.0625),
        (dt.date.fromisoformat(D2), "t-z", 4, 0, 0.25),
    ]
    assert query(
        wh,
        "select request_model, cost_usd from marts.cost_by_model_daily where day = cast(? as date) "
        "order by request_model",
        [D1],
    ) == [("m-a", 1.0), ("m-b", 0.5)]


def test_tasks_are_traces_owned_by_their_root_calls_agent(wh):
    rows = query(
        wh,
        "select cast(day as varchar), agent_name, total_tasks, completed_tasks, failed_tasks, task_duration_ms_sum, "
        "success_rate from marts.task_completion_daily order by day, agent_name",
    )
    assert rows == [
        # T1 (01:00:00 .. 02:00:00.200 = 3,600,200 ms, completed) + T2 (600 ms, root failed)
        (D1, "planner", 2, 1, 1, 3_600_200 + 600, 0.5),
        # T4 runs past midnight: dated by its start, lasting to its last response (D3 00:01:30) = 150,000 ms;
        # owned by its root call's agent (writer), not by its child's
        (D2, "writer", 1, 1, 0, 150_000, 1.0),
        (D3, "planner", 1, 1, 0, 300, 1.0),
    ]


def test_task_duration_percentiles_are_over_the_periods_tasks(wh):
    (row,) = query(
        wh,
        "select total_tasks, completed_tasks, success_rate, avg_task_duration_ms, p50_task_duration_ms, "
        "p95_task_duration_ms from marts.task_performance_by_agent "
        "where agent_name = 'planner' and period_end = cast(? as date) and period_days = 2",
        [D2],
    )
    # [D1, D2], planner: T1 3,600,200 and T2 600 ms -> median (600 + 3,600,200) / 2 = 1,800,400;
    # p95 at rank 0.95: 600 + 0.95 * 3,599,600 = 3,420,220
    assert row == (2, 1, 0.5, 1_800_400.0, 1_800_400.0, pytest.approx(3_420_220.0))
