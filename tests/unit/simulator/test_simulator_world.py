"""The synthetic world: deterministic, independent days, realistic shape, the token and cost conventions."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from simulator import World
from simulator.prices import MODEL_BY_NAME, MODELS, PROVIDERS
from simulator.timefmt import DAY_MS, day_start_ms

from .conftest import DAY

ARRAY_COLUMNS = (
    "request_ms", "duration_ms", "ttft_ms", "trace", "parent", "agent", "model", "provider", "organization",
    "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens",
    "total_cost", "is_error", "in_helicone", "in_orq", "metric_id", "transaction_id", "request_uuid_hi",
)  # fmt: skip


@pytest.fixture(scope="module")
def big_day() -> tuple[World, object]:
    w = World(seed=7, calls_per_day=20_000)
    return w, w.calls(date(2024, 4, 9))


def test_same_seed_same_day_identical_and_days_independent():
    a = World(seed=42, calls_per_day=800)
    b = World(seed=42, calls_per_day=800)
    b.calls(DAY + timedelta(days=3))  # generating another day first must not change this one
    da, db = a.calls(DAY), b.calls(DAY)
    assert da.n == db.n > 0
    for col in ARRAY_COLUMNS:
        assert np.array_equal(getattr(da, col), getattr(db, col)), col
    assert da.to_arrow().equals(db.to_arrow())


def test_different_seed_differs():
    a = World(seed=42, calls_per_day=800).calls(DAY)
    b = World(seed=43, calls_per_day=800).calls(DAY)
    assert a.n != b.n or not np.array_equal(a.request_ms, b.request_ms)
    assert not set(a.to_arrow()["id"].to_pylist()) & set(b.to_arrow()["id"].to_pylist())


def test_catalogue_is_rich_enough():
    w = World()
    assert len({p.name for p in w.providers}) >= 5
    assert len(w.models) >= 15
    assert len(w.agents) >= 10
    assert len(w.organizations) >= 6
    assert len(w.products) >= 4
    assert len({s.email for s in w.subscribers}) >= 30
    assert len({c.label for c in w.credentials}) >= 5
    assert len(w.environments) >= 2 and len(w.regions) >= 2
    assert len(w.trace_types) >= 5 and len(w.task_types) >= 5


def test_hand_checked_prices():
    # USD per million tokens, from the providers' list prices: input / output / cache read / cache write.
    assert (MODEL_BY_NAME["gpt-4o"].input, MODEL_BY_NAME["gpt-4o"].output) == (2.5, 10.0)
    assert (MODEL_BY_NAME["gpt-4o-mini"].input, MODEL_BY_NAME["gpt-4o-mini"].output) == (0.15, 0.6)
    assert (MODEL_BY_NAME["claude-opus-4"].input, MODEL_BY_NAME["claude-opus-4"].output) == (15.0, 75.0)
    sonnet = MODEL_BY_NAME["claude-sonnet-4"]
    assert (sonnet.cache_read, sonnet.cache_write) == (0.3, 3.75)
    assert MODEL_BY_NAME["deepseek-reasoner"].output == 2.19
    reasoning = {m.name for m in MODELS if m.reasoning}
    assert reasoning == {"o3", "o4-mini", "deepseek-reasoner", "gemini-2.5-pro"}


def test_volume_rhythm_and_errors(big_day):
    w, d = big_day
    counts = {}
    for k in range(28):
        day = date(2024, 2, 5) + timedelta(days=k)  # four whole weeks, Monday first
        counts[day] = World(seed=7, calls_per_day=2_000).calls(day).n
    mean = sum(counts.values()) / len(counts)
    assert 1_800 < mean < 2_200
    weekend = np.mean([n for day, n in counts.items() if day.weekday() >= 5])
    weekday = np.mean([n for day, n in counts.items() if day.weekday() < 5])
    assert 0.45 < weekend / weekday < 0.75
    assert len(set(counts.values())) > 20  # the count varies by day

    hours = (d.request_ms - day_start_ms(d.day)) // 3_600_000
    assert (hours >= 0).all() and (hours < 24).all()
    assert np.isin(hours, [13, 14, 15, 16]).sum() > 3 * np.isin(hours, [1, 2, 3, 4]).sum()
    error_share = d.is_error.mean()
    assert 0.01 < error_share < 0.03


def test_mix_is_not_uniform(big_day):
    _, d = big_day
    provider_share = np.bincount(d.provider, minlength=len(PROVIDERS)) / d.n
    assert (provider_share > 0).sum() >= 5
    assert len(np.unique(d.model)) >= 15 and len(np.unique(d.agent)) >= 10
    cost_per_call = {a: d.total_cost[d.agent == a].mean() for a in np.unique(d.agent)}
    assert max(cost_per_call.values()) > 20 * min(cost_per_call.values())
    env = np.bincount(d.environment) / d.n
    assert env[0] > 0.8  # production dominates


def test_traces_are_well_formed(big_day):
    _, d = big_day
    roots = d.parent < 0
    assert (d.pos[roots] == 0).all() and (d.pos[~roots] > 0).all()
    child = np.flatnonzero(~roots)
    parent = d.parent[child]
    assert (d.trace[parent] == d.trace[child]).all()
    # a child starts after its parent answered
    assert (d.request_ms[child] >= d.request_ms[parent] + d.duration_ms[parent]).all()
    sizes = np.bincount(d.trace)
    assert sizes.min() >= 1 and sizes.max() <= 8 and (sizes > 1).mean() > 0.4
    start = day_start_ms(d.day)
    assert (d.request_ms >= start).all() and (d.request_ms < start + DAY_MS).all()
    # sorted by (request time, id): the order every Revenium page is cut from
    assert (np.diff(d.request_ms) >= 0).all()
    assert len(np.unique(d.metric_id)) == d.n
    # circular patterns exist: A -> B -> A with A != B
    deep = child[d.parent[parent] >= 0]
    p, gp = d.parent[deep], d.parent[d.parent[deep]]
    assert ((d.agent[deep] == d.agent[gp]) & (d.agent[deep] != d.agent[p])).sum() > 10
    assert (d.trace_squad >= 0).any() and (d.trace_job_type >= 0).any() and (d.trace_squad < 0).any()


def test_token_conventions(big_day):
    _, d = big_day
    names = [MODELS[m].name for m in d.model]
    reasoning_model = np.array([MODEL_BY_NAME[n].reasoning for n in names])
    assert (d.reasoning_tokens[~reasoning_model] == 0).all()
    assert (d.reasoning_tokens[reasoning_model & ~d.is_error] > 0).all()
    assert (d.output_tokens >= d.reasoning_tokens).all()  # reasoning is inside output
    anthropic = np.array([MODEL_BY_NAME[n].provider == "ANTHROPIC" for n in names])
    assert (d.cache_write_tokens[~anthropic] == 0).all() and (d.cache_write_tokens[anthropic] > 0).any()
    assert 0.1 < (d.cache_read_tokens > 0).mean() < 0.6
    err = d.is_error
    assert (d.output_tokens[err] == 0).all() and (d.input_tokens[err] > 0).all()
    assert (d.total_cost[err] > 0).all()  # the prompt is still billed


def test_costs_are_tokens_times_price_rounded_to_9_decimals(big_day):
    _, d = big_day
    rng = np.random.default_rng(0)
    for i in rng.choice(d.n, 400, replace=False):
        m = MODELS[d.model[i]]
        parts = [
            round(int(d.input_tokens[i]) * m.input / 1e6, 9),
            round(int(d.output_tokens[i]) * m.output / 1e6, 9),
            round(int(d.cache_read_tokens[i]) * m.cache_read / 1e6, 9),
            round(int(d.cache_write_tokens[i]) * m.cache_write / 1e6, 9),
        ]
        got = [
            int(x) / 1e9
            for x in (d.input_cost[i], d.output_cost[i], d.cache_read_cost[i], d.cache_write_cost[i])
        ]
        assert got == pytest.approx(parts, abs=1e-12)
        assert int(d.total_cost[i]) / 1e9 == pytest.approx(round(sum(parts), 9), abs=1e-12)


def test_vendor_subsets(big_day):
    _, d = big_day
    assert 0.5 < d.in_helicone.mean() < 0.7
    assert 0.2 < d.in_orq.mean() < 0.4
    assert (d.in_helicone & d.in_orq).mean() > 0.05
    # whole traces stay together at a vendor
    for flag in (d.in_helicone, d.in_orq):
        per_trace = np.bincount(d.trace, weights=flag) / np.bincount(d.trace)
        assert set(np.unique(per_trace)) <= {0.0, 1.0}


def test_nothing_before_start_day():
    w = World(calls_per_day=500, start_day=date(2024, 1, 1))
    assert w.calls(date(2023, 12, 31)).n == 0
    assert w.calls(date(2024, 1, 1)).n > 0


def test_teams_partition_calls():
    w = World(calls_per_day=1000, team_ids=("tmA", "tmB"))
    d = w.calls(DAY)
    assert set(np.unique(d.team)) == {0, 1}
    # organisations belong to one team
    for org in np.unique(d.organization):
        assert len(np.unique(d.team[d.organization == org])) == 1


def test_a_day_summary_is_built_once_and_outlives_the_day_cache():
    world = World(seed=3, calls_per_day=200, cache_calls=1)  # the day cache keeps one day only
    built: list[int] = []

    def count(calls) -> int:
        built.append(calls.n)
        return calls.n

    first = world.summary(DAY, "count", count)
    world.calls(DAY + timedelta(days=1))  # evicts DAY's calls
    assert world.summary(DAY, "count", count) == first == world.calls(DAY).n
    assert len(built) == 1
