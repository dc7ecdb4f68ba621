"""How Helicone and orq.ai see the world's calls (simulator/observers.py), the planted look-alikes, and the
ground truth's isolation from the vendor faces."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import numpy as np

from simulator import planted
from simulator.observers import (
    HELICONE_GATEWAY_DELAY_MS,
    HELICONE_MAX_CLOCK_OFFSET_MS,
    ORQ_COST_PARTS,
    helicone_clock_offset_ms,
    helicone_cost,
    helicone_request_ms,
    orq_costs,
)
from simulator.prices import MODEL_BY_NAME, MODELS
from simulator.timefmt import DAY_MS, day_start_ms
from simulator.world import World

DAYS = [date(2024, 3, 4), date(2024, 3, 5), date(2024, 3, 9)]
WORLD = World(seed=7, calls_per_day=3000, team_ids=("team-a",), start_day=date(2024, 1, 1))


def test_helicone_stamps_each_call_on_its_own_clock_inside_the_day():
    offsets = set()
    for day in DAYS:
        calls = WORLD.calls(day)
        offset = helicone_clock_offset_ms(calls)
        offsets.add(offset)
        assert abs(offset) <= HELICONE_MAX_CLOCK_OFFSET_MS
        stamped = helicone_request_ms(calls)
        start = day_start_ms(day)
        assert stamped.min() >= start and stamped.max() < start + DAY_MS
        inside = (stamped > start) & (stamped < start + DAY_MS - 1)  # not clamped at the day's edges
        delay = stamped[inside] - calls.request_ms[inside] - offset
        assert delay.min() >= HELICONE_GATEWAY_DELAY_MS[0] and delay.max() <= HELICONE_GATEWAY_DELAY_MS[1]
    assert len(offsets) == len(DAYS)  # one offset per day


def test_helicone_prices_two_models_stale_and_cache_writes_at_the_one_hour_rate():
    calls = WORLD.calls(DAYS[0])
    cost = helicone_cost(calls)
    gpt41, flash = MODELS.index(MODEL_BY_NAME["gpt-4.1"]), MODELS.index(MODEL_BY_NAME["gemini-2.5-flash"])
    for model, factor in ((gpt41, 1.25), (flash, 0.6)):
        rows = np.flatnonzero(calls.model == model)
        assert len(rows) > 10
        assert np.all(np.abs(cost[rows] - calls.total_cost[rows] * factor) <= 0.5)
    # claude-sonnet-4 writes the cache at 3.75 $/M (1.25x input); Helicone charges 6 $/M (2x): 2250 nano more a token
    sonnet = np.flatnonzero(
        (calls.model == MODELS.index(MODEL_BY_NAME["claude-sonnet-4"])) & (calls.cache_write_tokens > 0)
    )
    assert len(sonnet) > 10
    assert np.array_equal(cost[sonnet] - calls.total_cost[sonnet], calls.cache_write_tokens[sonnet] * 2250)
    others = ~np.isin(calls.model, [gpt41, flash]) & (calls.cache_write_tokens == 0)
    assert np.array_equal(cost[others], calls.total_cost[others])


def test_orq_discounts_anthropic_by_10_percent_and_rounds_each_part_to_a_millionth_of_a_dollar():
    calls = WORLD.calls(DAYS[1])
    costs = orq_costs(calls)
    anthropic = np.isin(calls.model, [i for i, m in enumerate(MODELS) if m.provider == "ANTHROPIC"])
    assert anthropic.sum() > 10
    for part in ORQ_COST_PARTS:
        assert np.all(costs[part] % 1000 == 0)
        world = getattr(calls, part)
        assert np.all(np.abs(costs[part][~anthropic] - world[~anthropic]) <= 500)
        assert np.all(np.abs(costs[part][anthropic] - world[anthropic] * 0.9) <= 500.5)
    assert np.array_equal(costs["total_cost"], sum(costs[p] for p in ORQ_COST_PARTS))
    assert np.any(costs["total_cost"] != calls.total_cost)


def test_look_alikes_are_the_same_call_again_2_to_8_seconds_later_in_one_trace():
    found = 0
    for day in DAYS:
        calls = WORLD.calls(day)
        for a, b in planted.planted_look_alikes(calls):
            found += 1
            assert calls.trace[a] == calls.trace[b]
            assert 2_000 <= calls.request_ms[b] - calls.request_ms[a] <= 8_000
            for column in (
                "model",
                "input_tokens",
                "output_tokens",
                "total_cost",
                "input_cost",
                "output_cost",
            ):
                assert getattr(calls, column)[a] == getattr(calls, column)[b], column
    assert found >= 10


def test_no_vendor_face_imports_the_ground_truth():
    code = (
        "import sys, simulator.server, simulator.revenium.api, simulator.helicone.api, simulator.orq.api; "
        "print('simulator.truth' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
