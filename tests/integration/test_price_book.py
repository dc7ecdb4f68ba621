"""The price book on the two-day warehouse, against the simulator's own pricing (``simulator/truth.py``).

The simulator's vendors price the same calls with tables that differ from the public list in known ways
(``simulator/prices.py``, ``simulator/observers.py``: stale prices, a discount, cache writes at another rate,
an off-peak price not applied, an unlisted model). The truth computes, per vendor record, the vendor's cost
and the list cost of the tokens it reports, in NumPy from the simulator's own transcription of the list; the
marts price with the genai-prices seed in SQL. The two must agree to the nano-dollar.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from ingestion.vendors import VENDOR_NAMES
from simulator import truth
from simulator.prices import MODELS, UNLISTED
from tests.conftest import DAY_1, DAY_2

pytestmark = pytest.mark.slow


def _rows(path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.mark.parametrize("day", [DAY_1, DAY_2])
def test_the_variance_is_the_simulators_known_pricing_differences(two_days, world, day):
    path, _ = two_days
    mart = {
        (vendor, model): (variance, calls, priced)
        for vendor, model, variance, calls, priced in _rows(
            path,
            "select source_system, request_model, variance_usd, calls, priced_calls "
            "from marts.price_variance_daily where day = ?",
            [day],
        )
    }
    calls = world.calls(day)
    nonzero = 0
    for vendor in VENDOR_NAMES:
        records = truth.vendor_records(calls, vendor)
        listed = truth.list_cost_nano(calls, vendor)
        charged = truth.vendor_cost_nano(calls, vendor)
        for index, model in enumerate(MODELS):
            rows = records & (calls.model == index)
            if not rows.any():
                continue
            variance, count, priced = mart[(vendor, model.name)]
            assert count == rows.sum(), (vendor, model.name)
            if model.name in UNLISTED:
                assert (priced, variance) == (0, None), (vendor, model.name)
                continue
            expected = int(charged[rows].sum() - listed[rows].sum())
            assert variance * 10**9 == expected, (vendor, model.name, variance, expected)
            nonzero += expected != 0
    assert nonzero >= 10  # the differences are there to be found


def test_the_coverage_mart_lists_the_unpriced_models(two_days):
    path, _ = two_days
    unpriced = dict(
        _rows(
            path,
            "select request_model, max(pricing_status) from marts.price_coverage where priced_spend_share = 0 group by 1",
        )
    )
    # mistral-small has no list price; Revenium's image, video and speech calls carry no tokens (media units)
    tokenless = {
        model
        for (model,) in _rows(
            path,
            "select request_model from marts.fct_ai_calls group by 1 having max(input_tokens + output_tokens) = 0",
        )
    }
    assert set(unpriced) == UNLISTED | tokenless and tokenless
    assert unpriced["mistral-small"] == "unpriced model"
    priced = _rows(
        path, "select min(priced_spend_share) from marts.price_coverage where pricing_status = 'priced'"
    )
    assert priced == [(1.0,)]


def test_the_baseline_scenario_is_the_restated_actuals_to_the_cent(two_days):
    path, _ = two_days
    ((baseline,),) = _rows(
        path, "select sum(baseline_cost_usd) from marts.price_scenarios_daily where scenario = 'baseline'"
    )
    ((actuals,),) = _rows(
        path,
        "select sum(p.list_cost_usd) from marts.fct_priced_calls as p "
        "join marts.fct_consolidated_calls as c on c.consolidated_call_id = p.call_id",
    )
    assert baseline > Decimal(10)
    assert round(baseline, 2) == round(actuals, 2)
