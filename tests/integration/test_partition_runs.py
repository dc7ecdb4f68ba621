"""The main job, run by Dagster for two daily partitions against the simulator, end to end.

Each day's mart total must equal the vendor's own analytics for that day (asked of the simulator over
HTTP) to the cent, and a second run of a partition must leave every table exactly as it was.
"""

import duckdb
import pytest

from ingestion.vendors import VENDOR_NAMES
from simulator.faults import FaultRule
from simulator.revenium.media import media_of
from tests.conftest import DAY_1, DAY_2
from tests.integration import vendor_figures
from tests.integration.pipeline import run_partition, table_fingerprints

pytestmark = pytest.mark.slow


def daily_mart_totals(path, source_system: str) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(
            con.execute(
                "select day, sum(cost_usd) from marts.cost_by_dimension_daily "
                "where source_system = ? and dimension_name = 'provider' group by day",
                [source_system],
            ).fetchall()
        )


@pytest.mark.parametrize("source_system", VENDOR_NAMES)
def test_each_days_mart_total_equals_the_vendors_own_analytics(two_days, simulator, sim_keys, source_system):
    path, _ = two_days
    vendor_figure = getattr(vendor_figures, f"{source_system}_cost")  # the vendor's own total, per vendor
    totals = daily_mart_totals(path, source_system)
    assert set(totals) == {DAY_1, DAY_2}
    for day, ours in totals.items():
        assert float(ours) == pytest.approx(vendor_figure(simulator, sim_keys, day), abs=0.005), day


def test_facts_hold_every_call_each_vendor_saw(two_days, world):
    path, _ = two_days
    with duckdb.connect(str(path), read_only=True) as con:
        counts = dict(
            ((day, source), n)
            for day, source, n in con.execute(
                "select day, source_system, count(*) from marts.fct_ai_calls group by all"
            ).fetchall()
        )
    for day in (DAY_1, DAY_2):
        calls = world.calls(day)
        # Revenium meters every call, plus the audio, image and video calls its agents make.
        assert counts[(day, "revenium")] == len(calls) + len(media_of(calls).model)
        assert counts[(day, "helicone")] == int(calls.in_helicone.sum())
        assert counts[(day, "orq")] == int(calls.in_orq.sum())  # one LLM span per orq-routed call


# Revenium's squad definitions are a snapshot of the vendor's figures over a period that ends NOW (its
# `period` parameter): a later run legitimately lands other totals once the world has run more squads.
AS_OF_NOW_SNAPSHOTS = ("raw_revenium.squad_entities",)


def test_rerunning_a_partition_leaves_every_table_unchanged(two_days):
    path, _ = two_days
    before = table_fingerprints(path)
    assert before["marts.fct_ai_calls"][0] > 0 and before["marts.cost_by_dimension_daily"][0] > 0
    run_partition(DAY_1)
    after = table_fingerprints(path)
    assert after["raw_revenium.squad_entities"][0] == before["raw_revenium.squad_entities"][0]  # same squads
    for snapshot in AS_OF_NOW_SNAPSHOTS:
        del before[snapshot], after[snapshot]
    assert after == before


def test_published_marts_equal_the_warehouse_marts(two_days):
    path, _ = two_days
    ours = {k: v for k, v in table_fingerprints(path, include_views=True).items() if k.startswith("marts.")}
    assert table_fingerprints(path.parent / "serving.duckdb") == ours
    for day in (DAY_1, DAY_2):
        assert (path.parent / "parquet" / "fct_ai_calls" / f"day={day.isoformat()}" / "data.parquet").exists()


def test_a_run_that_fails_midway_leaves_the_published_day_intact(two_days, simulator):
    path, _ = two_days
    marts_before = {k: v for k, v in table_fingerprints(path).items() if k.startswith("marts.")}
    serving_before = table_fingerprints(path.parent / "serving.duckdb")
    simulator.add_fault(FaultRule("orq", path_contains="/v2/reporting", status=503, times=1000))
    try:
        result = run_partition(DAY_1, expect_success=False)
    finally:
        simulator.clear_faults()
    failed = {e.step_key for e in result.all_events if e.is_step_failure}
    assert failed == {"orq_ingest"}
    assert {k: v for k, v in table_fingerprints(path).items() if k.startswith("marts.")} == marts_before
    assert table_fingerprints(path.parent / "serving.duckdb") == serving_before
