"""The cost marts against Revenium's own analytics host for the same period (the simulator, over HTTP).

The warehouse is the session's ``two_days`` (DAY_1 and DAY_2 run through Dagster). The periods are each
single day and the two days together; the simulator computes each analytic from its world independently
of the warehouse (``simulator/revenium/analytics.py``). Money must agree to the cent, ratios to
1e-6; the vendor's units (seconds, percent) are converted here, where a reader can see it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, timedelta

import duckdb
import numpy as np
import pytest
import requests

from ingestion.core.windows import Window, iso_z
from simulator.revenium import media
from tests.conftest import DAY_1, DAY_2

pytestmark = pytest.mark.slow

CENT = 0.005
RATIO = 1e-6
DAY_3 = DAY_2 + timedelta(days=1)
# (first day, end day exclusive) of each compared period
PERIODS = {"day_1": (DAY_1, DAY_2), "day_2": (DAY_2, DAY_3), "both_days": (DAY_1, DAY_3)}


# ----------------------------------------------------------------------------- the vendor's figures
def analytics(simulator, sim_keys, name: str, start: date, end: date, **params) -> dict:
    w = Window.for_days(start, end)
    response = requests.get(
        f"{simulator.urls['revenium_analytics']}/api/v2/analytics/{name}",
        params={"startDate": iso_z(w.start), "endDate": iso_z(w.end), "size": 100, **params},
        headers={"Authorization": f"Bearer {sim_keys.revenium}"},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()


def aggregated(simulator, sim_keys, name: str, start: date, end: date, **params) -> dict[str, dict]:
    """Family B: {groupName: {label: metric}} over every page, in the vendor's order."""
    out: dict[str, dict] = {}
    page = 0
    while True:
        body = analytics(simulator, sim_keys, name, start, end, page=page, **params)
        for item in body["_embedded"]["items"]:
            out[item["groupName"]] = {m["label"]: m for m in item["metrics"]}
        page += 1
        if page >= body["page"]["totalPages"]:
            return out


def series(simulator, sim_keys, name: str, start: date, end: date, **params) -> list[tuple[str, dict]]:
    """Family A: [(bucket start, {groupName: {label: metric}})]."""
    body = analytics(simulator, sim_keys, name, start, end, **params)
    return [
        (
            item["startTimestamp"],
            {g["groupName"]: {m["label"]: m for m in g["metrics"]} for g in item["groups"]},
        )
        for item in body["_embedded"]["items"]
    ]


def values(figures: dict[str, dict], label: str) -> dict[str, float]:
    return {k: v[label]["metricResult"] for k, v in figures.items()}


def lowered(figures: dict[str, float]) -> dict[str, float]:
    """Revenium names providers in capitals (OPENAI); the warehouse's provider_name is the OTel lower case."""
    return {k.lower(): v for k, v in figures.items()}


LOWER_CASE_DIMENSIONS = {"provider", "vendor"}


def hashed_users(figures: dict[str, float]) -> dict[str, float]:
    """Revenium names users by e-mail; the marts hold SHA-256 of the trimmed, lower-case address by default
    (docs/conventions.md), computed here with hashlib, not by the SQL under test."""
    hashed: dict[str, float] = defaultdict(float)
    for email, value in figures.items():
        hashed[hashlib.sha256(email.strip().lower().encode()).hexdigest()] += value
    return dict(hashed)


# ----------------------------------------------------------------------------- our marts
def mart(two_days, sql: str, params: list | None = None) -> list[tuple]:
    path, _ = two_days
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def revenium_days(two_days, model: str, columns: str, start: date, end: date) -> list[tuple]:
    """Revenium's rows of a daily mart over the days [start, end): ``columns`` aggregate them, grouped by the
    columns that are not aggregates."""
    return mart(
        two_days,
        f"select {columns} from marts.{model} where source_system = 'revenium' and day >= ? and day < ? group by all",
        [start, end],
    )


def revenium_period(
    two_days, model: str, columns: str, start: date, end: date, order_by: str = ""
) -> list[tuple]:
    """Revenium's rows of a rolling-period mart for the period [start, end) (its row: ``period_row``)."""
    period_end, period_days, _ = period_row(start, end)
    return mart(
        two_days,
        f"select {columns} from marts.{model} where source_system = 'revenium' and period_end = ? and period_days = ?"
        + (f" order by {order_by}" if order_by else ""),
        [period_end, period_days],
    )


def assert_money(ours: dict, theirs: dict) -> None:
    assert set(ours) == set(theirs)
    for key, value in theirs.items():
        assert float(ours[key]) == pytest.approx(value, abs=CENT), key


def assert_ratio(ours: dict, theirs: dict) -> None:
    assert set(ours) == set(theirs)
    for key, value in theirs.items():
        assert float(ours[key]) == pytest.approx(value, abs=RATIO), key


def dimension_cost(two_days, dimension: str, start: date, end: date) -> dict[str, float]:
    return dict(
        mart(
            two_days,
            "select dimension_value, sum(cost_usd) from marts.cost_by_dimension_daily "
            "where source_system = 'revenium' and dimension_name = ? and day >= ? and day < ? "
            "group by dimension_value",
            [dimension, start, end],
        )
    )


# ----------------------------------------------------------------------------- cost by dimension
AGGREGATED_ENDPOINTS = {
    "provider": "cost-by-provider-aggregated",
    "model": "cost-by-model-aggregated",
    "agent": "cost-by-agent-aggregated",
    "organization": "cost-by-organization-aggregated",
    "product": "cost-by-product-aggregated",
    "api_key": "cost-by-api-key-aggregated",
    "user": "cost-by-user-aggregated",
    "task_type": "cost-by-task-aggregated",
    "vendor": "cost-by-vendor",
    "tool": "cost-by-tool-aggregated",
    "tool_provider": "cost-by-tool-provider-aggregated",
}


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("dimension", AGGREGATED_ENDPOINTS)
def test_cost_by_dimension_equals_the_aggregated_endpoint(two_days, simulator, sim_keys, dimension, period):
    start, end = PERIODS[period]
    theirs = values(aggregated(simulator, sim_keys, AGGREGATED_ENDPOINTS[dimension], start, end), "cost")
    if dimension in LOWER_CASE_DIMENSIONS:
        theirs = lowered(theirs)
    if dimension == "user":
        theirs = hashed_users(theirs)
    assert_money(dimension_cost(two_days, dimension, start, end), theirs)


@pytest.mark.parametrize("period", PERIODS)
def test_cost_by_customer_is_cost_by_organization(two_days, period):
    # Revenium's customer is the organization (revenue-per-customer groups by organization) [I]
    start, end = PERIODS[period]
    ours = dimension_cost(two_days, "customer", start, end)
    assert ours and ours == dimension_cost(two_days, "organization", start, end)


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize(
    ("dimension", "endpoint"),
    [("team", "cost-by-team"), ("trace_type", None), ("environment", None)],
)
def test_cost_by_team_trace_type_and_environment(two_days, simulator, sim_keys, dimension, endpoint, period):
    start, end = PERIODS[period]
    ours = dimension_cost(two_days, dimension, start, end)
    if endpoint:  # family A: buckets add up to the period
        theirs = defaultdict(float)
        for _, groups in series(simulator, sim_keys, endpoint, start, end):
            for name, value in values(groups, "cost").items():
                theirs[name] += value
        assert_money(ours, dict(theirs))
    else:  # no endpoint: every call belongs to one value, so the values add up to the provider total
        assert sum(ours.values()) == sum(dimension_cost(two_days, "provider", start, end).values())


def test_hourly_cost_equals_the_hourly_time_series(two_days, simulator, sim_keys):
    # a 48-hour span comes back in hourly buckets (the simulator's interval rule)
    for dimension, endpoint in [
        ("provider", "cost-by-provider"),
        ("agent", "cost-by-agent"),
        ("tool", "cost-by-tool"),
    ]:
        ours = defaultdict(dict)
        for hour, value, cost in mart(
            two_days,
            "select strftime(hour_start, '%Y-%m-%dT%H:00:00.000Z'), dimension_value, cost_usd "
            "from marts.cost_by_dimension_hourly where source_system = 'revenium' and dimension_name = ?",
            [dimension],
        ):
            ours[hour][value] = cost
        buckets = series(simulator, sim_keys, endpoint, DAY_1, DAY_3)
        assert len(buckets) == 48
        for hour, groups in buckets:
            theirs = values(groups, "cost")
            assert_money(
                ours.get(hour, {}), lowered(theirs) if dimension in LOWER_CASE_DIMENSIONS else theirs
            )


# ----------------------------------------------------------------------------- token vs tool, iceberg, agent x tool
@pytest.mark.parametrize("day", [DAY_1, DAY_2])
def test_token_vs_tool_cost(two_days, simulator, sim_keys, day):
    theirs = defaultdict(float)
    for _, groups in series(simulator, sim_keys, "token-vs-tool-cost", day, day + timedelta(days=1)):
        for name, value in values(groups, "cost").items():
            theirs[name] += value
    ((token, tool, total),) = mart(
        two_days,
        "select token_cost_usd, tool_cost_usd, total_cost_usd from marts.token_vs_tool_cost_daily "
        "where source_system = 'revenium' and day = ?",
        [day],
    )
    assert_money({"Token Costs": token, "Tool Costs": tool}, dict(theirs))
    assert total == token + tool


@pytest.mark.parametrize("period", PERIODS)
def test_agent_tool_cost_equals_agent_tool_breakdown(two_days, simulator, sim_keys, period):
    start, end = PERIODS[period]
    theirs = aggregated(simulator, sim_keys, "agent-tool-breakdown", start, end)
    rows = revenium_days(
        two_days,
        "agent_tool_cost",
        "agent_name || '/' || tool_id, max(tool_type), sum(call_count), sum(cost_usd)",
        start,
        end,
    )
    assert_money({k: cost for k, _, _, cost in rows}, values(theirs, "cost"))
    assert {k: n for k, _, n, _ in rows} == values(theirs, "callCount")
    assert {k: t for k, t, _, _ in rows} == {k: v["cost"]["toolType"] for k, v in theirs.items()}


@pytest.mark.parametrize("period", PERIODS)
def test_agent_cost_iceberg(two_days, simulator, sim_keys, period):
    start, end = PERIODS[period]
    rows = revenium_days(
        two_days,
        "agent_cost_iceberg",
        "agent_name, sum(token_cost_usd), sum(tool_cost_usd), sum(total_cost_usd)",
        start,
        end,
    )
    assert_money(
        {a: tok for a, tok, _, _ in rows},
        values(aggregated(simulator, sim_keys, "cost-by-agent-aggregated", start, end), "cost"),
    )
    below = defaultdict(float)
    for key, cost in values(
        aggregated(simulator, sim_keys, "agent-tool-breakdown", start, end), "cost"
    ).items():
        below[key.split("/")[0]] += cost
    assert_money({a: tool for a, _, tool, _ in rows if tool}, dict(below))
    assert all(total == tok + tool for _, tok, tool, total in rows)


# ----------------------------------------------------------------------------- top movers
@pytest.mark.parametrize("group_by", ["model", "agent"])
def test_top_movers_of_the_second_day_against_the_first(two_days, simulator, sim_keys, group_by):
    # period = DAY_2 (1 day), previous period = DAY_1: both in the warehouse
    theirs = analytics(simulator, sim_keys, "top-movers", DAY_2, DAY_3, groupBy=group_by)["_embedded"][
        "items"
    ]
    rows = mart(
        two_days,
        "select dimension_value, current_cost_usd, previous_cost_usd, cost_change_usd, trend, "
        "days_loaded_current, days_loaded_previous from marts.cost_top_movers "
        "where source_system = 'revenium' and dimension_name = ? and period_end = ? and period_days = 1 "
        "order by mover_rank",
        [group_by, DAY_2],
    )
    assert {r[5:] for r in rows} == {(1, 1)}
    ranked = [r[0] for r in rows]
    names = [i["groupName"] for i in theirs]
    # the same values, in the same order (equal changes at the cent may differ in sub-cent digits)
    assert sorted(ranked) == sorted(names)
    ours = {r[0]: r for r in rows}
    for position, item in enumerate(theirs):
        m = item["metrics"][0]
        name, current, previous, change, trend, *_ = ours[item["groupName"]]
        assert float(current) == pytest.approx(m["currentValue"], abs=CENT)
        assert float(previous) == pytest.approx(m["previousValue"], abs=CENT)
        assert float(change) == pytest.approx(m["metricResult"], abs=CENT)
        assert trend == m["trend"]
        # same rank, unless two changes tie to the cent (then sub-cent digits may order them either way)
        at_our_rank = abs(float(ours[ranked[position]][3]))
        assert ranked[position] == name or at_our_rank == pytest.approx(abs(m["metricResult"]), abs=CENT)


# ----------------------------------------------------------------------------- throughput and response times
def test_tokens_per_minute_by_provider(two_days, simulator, sim_keys):
    rows = mart(
        two_days,
        "select strftime(hour_start, '%Y-%m-%dT%H:00:00.000Z'), provider_name, tokens_per_minute, "
        "input_tokens_per_minute, output_tokens_per_minute from marts.tokens_per_minute_by_provider "
        "where source_system = 'revenium'",
    )
    for column, token_type in enumerate(["TOTAL", "INPUT", "OUTPUT"], start=2):
        ours = defaultdict(dict)
        for row in rows:
            ours[row[0]][row[1]] = row[column]
        buckets = series(simulator, sim_keys, "tokens-per-minute", DAY_1, DAY_3, tokenType=token_type)
        assert len(buckets) == 48
        for hour, groups in buckets:
            assert_ratio(ours.get(hour, {}), lowered(values(groups, "tokensPerMinute")))


# (mart, its group column, endpoint, metric label): the vendor answers in seconds [I]
RESPONSE_TIMES = [
    ("latency_by_model", "request_model", "response-time-by-model", "responseTime"),
    ("latency_by_provider", "provider_name", "response-time-by-vendor", "responseTime"),
    ("agent_performance", "agent_name", "avg-time-by-agent", "avgTime"),
]


def period_row(start: date, end: date) -> tuple[date, int, int]:
    """(period_end, period_days, days expected with data): the two-day period is the 7-day period ending on
    DAY_2, which holds data for those two days only (the warehouse has no other days)."""
    days = (end - start).days
    return (end - timedelta(days=1), 1 if days == 1 else 7, days)


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize(("model", "column", "endpoint", "label"), RESPONSE_TIMES)
def test_mean_response_time(two_days, simulator, sim_keys, model, column, endpoint, label, period):
    start, end = PERIODS[period]
    _, _, days = period_row(start, end)
    rows = revenium_period(
        two_days, model, f"{column}, avg_duration_ms, call_count, days_with_calls", start, end
    )
    assert {r[3] for r in rows} <= set(range(1, days + 1)) and max(r[3] for r in rows) == days
    theirs = aggregated(simulator, sim_keys, endpoint, start, end)
    if column == "provider_name":
        theirs = {k.lower(): v for k, v in theirs.items()}
    assert_ratio({r[0]: r[1] / 1000 for r in rows}, values(theirs, label))
    assert {r[0]: r[2] for r in rows} == values(theirs, "callCount")


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize(
    ("model", "column", "by"),
    [("latency_by_model", "request_model", "model"), ("latency_by_provider", "provider_name", "provider")],
)
def test_response_time_percentiles_are_over_the_periods_calls(two_days, world, model, column, by, period):
    """p50/p95 against numpy's linear-interpolation percentile (= percentile_cont) of the world's own
    completions requested in the period: an independent computation over every call of the period."""
    from simulator.prices import MODELS, PROVIDERS

    names = [m.name for m in MODELS] if by == "model" else [p.name.lower() for p in PROVIDERS]
    start, end = PERIODS[period]
    w = Window.for_days(start, end)
    lo, hi = int(w.start.timestamp() * 1000), int(w.end.timestamp() * 1000)
    durations = defaultdict(list)
    for day in world.days(start, end):
        c = world.calls(day)
        rows = np.flatnonzero((c.request_ms >= lo) & (c.request_ms < hi))
        for code, duration in zip(getattr(c, by)[rows].tolist(), c.duration_ms[rows].tolist(), strict=True):
            durations[names[code]].append(duration)
    rows = revenium_period(two_days, model, f"{column}, p50_duration_ms, p95_duration_ms", start, end)
    assert_ratio({r[0]: r[1] for r in rows}, {k: float(np.percentile(v, 50)) for k, v in durations.items()})
    assert_ratio({r[0]: r[2] for r in rows}, {k: float(np.percentile(v, 95)) for k, v in durations.items()})


# ----------------------------------------------------------------------------- tools
@pytest.mark.parametrize("period", PERIODS)
def test_tool_performance(two_days, simulator, sim_keys, period):
    start, end = PERIODS[period]
    rows = revenium_days(
        two_days,
        "tool_performance_daily",
        "tool_id, sum(call_count), sum(success_count) * 1.0 / sum(call_count), "
        "sum(duration_ms_sum) * 1.0 / sum(timed_call_count), sum(cost_usd)",
        start,
        end,
    )
    success = aggregated(simulator, sim_keys, "tool-success-rate", start, end)
    assert {r[0]: r[1] for r in rows} == values(success, "callCount")
    assert_ratio({r[0]: r[2] for r in rows}, {k: v / 100 for k, v in values(success, "successRate").items()})
    # tool-latency answers in ms, rounded to 1e-6 ms
    assert_ratio(
        {r[0]: r[3] for r in rows},
        values(aggregated(simulator, sim_keys, "tool-latency", start, end), "latency"),
    )
    assert_money(
        {r[0]: r[4] for r in rows},
        values(aggregated(simulator, sim_keys, "cost-by-tool-aggregated", start, end), "cost"),
    )


@pytest.mark.parametrize("period", PERIODS)
def test_top_tools_by_call_count(two_days, simulator, sim_keys, period):
    start, end = PERIODS[period]
    rows = revenium_period(
        two_days, "top_tools_by_call_count", "tool_id, call_count", start, end, order_by="call_count_rank"
    )
    theirs = aggregated(simulator, sim_keys, "top-tools-by-call-count", start, end)
    assert rows == list(values(theirs, "callCount").items())


# ----------------------------------------------------------------------------- tasks
@pytest.mark.parametrize("period", PERIODS)
def test_task_completion_and_performance(two_days, simulator, sim_keys, period):
    start, end = PERIODS[period]
    daily = revenium_days(
        two_days,
        "task_completion_daily",
        "agent_name, sum(total_tasks), sum(completed_tasks), sum(task_duration_ms_sum)",
        start,
        end,
    )
    completed = aggregated(simulator, sim_keys, "tasks-completed-by-agent", start, end)
    assert {r[0]: r[2] for r in daily} == values(completed, "completedTasks")
    total = aggregated(simulator, sim_keys, "task-completion-aggregated", start, end)
    assert sum(r[2] for r in daily) == total["total"]["completedTasks"]["metricResult"]

    rows = revenium_period(
        two_days,
        "task_performance_by_agent",
        "agent_name, total_tasks, completed_tasks, success_rate, avg_task_duration_ms",
        start,
        end,
    )
    theirs = aggregated(simulator, sim_keys, "task-performance-by-agent", start, end)
    assert {r[0]: r[1:3] for r in rows} == {
        k: (v["totalTasks"]["metricResult"], v["completedTasks"]["metricResult"]) for k, v in theirs.items()
    }
    assert_ratio({r[0]: r[3] for r in rows}, {k: v / 100 for k, v in values(theirs, "successRate").items()})
    assert_ratio({r[0]: r[4] / 1000 for r in rows}, values(theirs, "avgTaskDuration"))
    # the daily table adds up to the period table
    assert {r[0]: r[1:4] for r in daily} == {r[0]: (r[1], r[2], round(r[4] * r[1])) for r in rows}


def test_media_models_are_costed_but_not_timed(two_days):
    # media calls carry cost (cost-by-model covers every modality) but no response time (completions only)
    media_models = {m.name for m in media.MEDIA_MODELS}
    costed = set(dimension_cost(two_days, "model", DAY_1, DAY_3))
    timed = {r[0] for r in mart(two_days, "select distinct request_model from marts.latency_by_model")}
    assert media_models & costed and not (media_models & timed)
