"""Consolidation across vendors on the two-day warehouse, against the simulator's ground truth.

The simulator's vendors see one world of calls the way real deployments do (``simulator/observers.py``):
Helicone on its own clock (a daily offset of up to 1.5 s, plus the hop to the gateway) and with two stale
prices, orq.ai rounding each cost part to a millionth of a dollar, and planted look-alike calls (same model
and tokens, 2-8 s apart in one trace). ``simulator/truth.py`` says which vendor records are one call; the
marts never see it. Here the marts' grouping is scored against it pair by pair.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from ingestion.vendors import vendor_named
from simulator import truth
from simulator.observers import helicone_cost, orq_costs
from tests.conftest import DAY_1, DAY_2
from tests.consolidation_score import score_day

pytestmark = pytest.mark.slow

REVENIUM, HELICONE, ORQ = (
    vendor_named("revenium").name,
    vendor_named("helicone").name,
    vendor_named("orq").name,
)


def _rows(path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def resolved(two_days):
    path, _ = two_days
    return dict(_rows(path, "select call_id, consolidated_call_id from intermediate.int_call_resolution"))


@pytest.mark.parametrize("day", [DAY_1, DAY_2])
def test_records_of_one_call_are_grouped_as_the_truth_says(world, resolved, day):
    score = score_day(world.calls(day), resolved)
    assert score.expected > 1_000  # the day has overlap to find
    assert score.precision >= 0.999 and score.recall >= 0.999, score
    assert score.look_alikes >= 10 and score.look_alikes_merged == 0, score


@pytest.mark.parametrize("day", [DAY_1, DAY_2])
def test_consolidated_spend_is_the_distinct_calls_spend_to_the_cent(two_days, world, day):
    path, _ = two_days
    ((calls_usd, tools_usd, total_usd, double_counted),) = _rows(
        path,
        "select cost_usd, tool_cost_usd, total_cost_usd, double_counted_cost_usd "
        "from marts.consolidated_spend_daily where day = ?",
        [day],
    )
    calls = world.calls(day)
    expected_calls = truth.distinct_call_cost_nano(calls) / 1e9
    expected_tools = truth.tool_cost_nano(calls) / 1e9
    assert abs(float(calls_usd) - expected_calls) < 0.005, (float(calls_usd), expected_calls)
    assert abs(float(tools_usd) - expected_tools) < 0.005 and expected_tools > 0
    assert abs(float(total_usd) - expected_calls - expected_tools) < 0.005
    assert float(double_counted) > 10  # Helicone and orq.ai saw a good part of the same calls


def test_vendor_overlap_finds_the_vendors_price_differences_and_orqs_rounding(two_days, world):
    path, _ = two_days
    reasons = dict(
        ((a, b), (price, rounding))
        for a, b, price, rounding in _rows(
            path,
            "select source_system_a, source_system_b, sum(calls_with_price_difference), "
            "sum(calls_with_rounding) from marts.vendor_overlap_daily group by 1, 2",
        )
    )
    # Calls whose price differs by more than the rounding allowance (1e-5 USD = 10,000 nano-USD): through
    # Helicone, its two stale prices and its one-hour cache-write rate; through orq.ai, its 10% Anthropic
    # discount. orq's other calls differ from Revenium's by its rounding alone.
    expected = {HELICONE: 0, ORQ: 0}
    for day in (DAY_1, DAY_2):
        calls = world.calls(day)
        for vendor, cost, seen in (
            (HELICONE, helicone_cost(calls), calls.in_helicone),
            (ORQ, orq_costs(calls)["total_cost"], calls.in_orq),
        ):
            expected[vendor] += int(np.sum((np.abs(cost - calls.total_cost) > 10_000) & seen))
    assert expected[HELICONE] > 100 and expected[ORQ] > 50
    assert reasons[(REVENIUM, HELICONE)][0] == expected[HELICONE]
    assert reasons[(REVENIUM, ORQ)][0] == expected[ORQ] and reasons[(REVENIUM, ORQ)][1] > 100
