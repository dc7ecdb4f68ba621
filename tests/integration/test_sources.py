"""Each dlt source against the simulator: completeness, paging, window edges and retries.

Expected values come from the simulator's world directly (its calls for the day, summed here in plain
Python) or from the vendor's own endpoints — never from the source under test.
"""

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import duckdb
import pytest
import requests

from ingestion.core.http_client import RetryPolicy, VendorClient
from ingestion.core.windows import Window, iso_z
from ingestion.helicone import helicone_source
from ingestion.orq.source import TruncatedReportError, complete_buckets, orq_source
from ingestion.revenium import COMPLETIONS_PATH, iter_completion_pages, revenium_source
from simulator import observers
from simulator.faults import FaultRule
from tests.conftest import DAY_1
from tests.integration.pipeline import load_source
from tests.integration.vendor_figures import day_window, helicone_cost, orq_cost, revenium_cost

FAST = RetryPolicy(max_attempts=5, backoff_base_s=0.05, backoff_max_s=1, timeout_s=30)


def revenium_client(sim, keys):
    return VendorClient("revenium", sim.urls["revenium"], {"x-api-key": keys.revenium}, FAST)


def test_revenium_completions_are_complete_for_a_day(simulator, sim_keys, world, tmp_path):
    calls = world.calls(DAY_1)
    window = day_window(DAY_1)
    first_page = requests.get(
        f"{simulator.urls['revenium']}{COMPLETIONS_PATH}",
        params={
            "teamId": "tmAcme01",
            "startDate": iso_z(window.start),
            "endDate": iso_z(window.end),
            "size": 100,
        },
        headers={"x-api-key": sim_keys.revenium},
        timeout=30,
    ).json()

    con = duckdb.connect(
        str(load_source(revenium_source(window.start, window.end), tmp_path / "raw.duckdb")), read_only=True
    )
    rows, ids, cost = con.execute(
        "select count(*), count(distinct id), sum(total_cost) from raw_revenium.completions"
    ).fetchone()
    assert rows == ids == first_page["page"]["totalElements"] == len(calls)
    assert cost == pytest.approx(int(calls.total_cost.sum()) / 1e9, abs=1e-9)
    figure = con.execute("select sum(cost_usd) from raw_revenium.analytics_cost_by_provider").fetchone()[0]
    assert figure == pytest.approx(revenium_cost(simulator, sim_keys, DAY_1), abs=1e-9)


def test_revenium_pages_follow_total_pages_at_the_100_row_cap(simulator, sim_keys, world):
    n = len(world.calls(DAY_1))
    with revenium_client(simulator, sim_keys) as client:
        pages = list(iter_completion_pages(client, "tmAcme01", day_window(DAY_1), page_size=500))
        assert client.requests_made - client.retries == -(-n // 100)  # the server clamps 500 to 100
    assert [len(p) for p in pages[:-1]] == [100] * (len(pages) - 1)
    assert sum(len(p) for p in pages) == n


def test_revenium_window_edges_split_a_day_without_loss_or_overlap(simulator, sim_keys, world):
    noon = datetime.combine(DAY_1, datetime.min.time(), UTC) + timedelta(hours=12, milliseconds=1)
    whole = day_window(DAY_1)
    halves = (Window(whole.start, noon), Window(noon, whole.end))
    with revenium_client(simulator, sim_keys) as client:
        parts = [
            {r["id"] for page in iter_completion_pages(client, "tmAcme01", h) for r in page} for h in halves
        ]
        everything = {r["id"] for page in iter_completion_pages(client, "tmAcme01", whole) for r in page}
    assert parts[0].isdisjoint(parts[1])
    assert parts[0] | parts[1] == everything
    assert len(everything) == len(world.calls(DAY_1))
    noon_ms = int(noon.timestamp() * 1000)
    assert len(parts[0]) == int((world.calls(DAY_1).request_ms < noon_ms).sum())


def test_revenium_429_and_5xx_are_retried_and_waited_out(simulator, sim_keys, world):
    simulator.add_fault(
        FaultRule("revenium", path_contains="/completions", status=429, retry_after=1, times=2)
    )
    simulator.add_fault(FaultRule("revenium", path_contains="/completions", status=503, times=1))
    try:
        started = time.monotonic()
        with revenium_client(simulator, sim_keys) as client:
            n = sum(len(p) for p in iter_completion_pages(client, "tmAcme01", day_window(DAY_1)))
            assert client.retries == 3
        assert time.monotonic() - started >= 2.0  # two Retry-After: 1 honoured
    finally:
        simulator.clear_faults()
    assert n == len(world.calls(DAY_1))


def test_helicone_requests_are_complete_and_match_helicones_figure(simulator, sim_keys, world, tmp_path):
    simulator.add_fault(FaultRule("helicone", path_contains="query-clickhouse", status=500, times=1))
    calls = world.calls(DAY_1)
    window = day_window(DAY_1)
    try:
        con = duckdb.connect(
            str(load_source(helicone_source(window.start, window.end), tmp_path / "raw.duckdb")),
            read_only=True,
        )
    finally:
        simulator.clear_faults()
    rows, ids, cost = con.execute(
        "select count(*), count(distinct request_id), sum(cost) from raw_helicone.requests"
    ).fetchone()
    assert rows == ids == int(calls.in_helicone.sum())
    assert cost == pytest.approx(int(observers.helicone_cost(calls)[calls.in_helicone].sum()) / 1e9, abs=1e-9)
    figure = con.execute("select cost_usd from raw_helicone.metrics_total_cost").fetchone()[0]
    assert figure == pytest.approx(helicone_cost(simulator, sim_keys, DAY_1), abs=1e-9)


def test_orq_buckets_add_up_to_orqs_total_and_split_when_truncated(simulator, sim_keys, world, tmp_path):
    calls = world.calls(DAY_1)
    window = day_window(DAY_1)
    con = duckdb.connect(
        str(load_source(orq_source(window.start, window.end), tmp_path / "raw.duckdb")), read_only=True
    )
    bucket_cost = con.execute(
        "select sum(metric_value) from raw_orq.reporting_buckets where metric_key = 'genai.cost'"
    ).fetchone()[0]
    requests_ = con.execute(
        "select sum(metric_value) from raw_orq.reporting_buckets where metric_key = 'genai.requests'"
    ).fetchone()[0]
    total = orq_cost(simulator, sim_keys, DAY_1)
    expected = int(observers.orq_costs(calls)["total_cost"][calls.in_orq].sum()) / 1e9
    assert requests_ == int(calls.in_orq.sum())
    assert bucket_cost == pytest.approx(expected, abs=1e-6)  # values carry 10 significant digits
    assert total == pytest.approx(expected, abs=1e-6)

    # A limit far below a day's bucket count forces the window to be split until nothing is cut off.
    client = VendorClient("orq", simulator.urls["orq"], {"Authorization": f"Bearer {sim_keys.orq}"}, FAST)
    whole = complete_buckets(client, "genai.cost", window, limit=5000)
    per_hour = Counter(b["timestamp"] for b in whole)
    limit = max(per_hour.values()) + 1  # every single hour fits, the whole day does not
    assert len(whole) > 4 * limit
    split = complete_buckets(client, "genai.cost", window, limit=limit)
    assert client.requests_made > 3  # the window really was split
    key = lambda b: (b["timestamp"], tuple(sorted(b["dimensions"].items())))  # noqa: E731
    assert sorted(map(key, split)) == sorted(map(key, whole))
    assert sum(b["metrics"]["genai.cost"] for b in split) == pytest.approx(expected, abs=1e-6)
    with pytest.raises(TruncatedReportError, match="cannot be split"):
        complete_buckets(client, "genai.cost", window, limit=1)


def test_a_response_slower_than_the_timeout_is_retried(simulator, sim_keys, world):
    simulator.add_fault(FaultRule("revenium", path_contains="/completions", delay_s=2.0, times=1))
    patient = RetryPolicy(max_attempts=3, backoff_base_s=0.05, backoff_max_s=1, timeout_s=0.5)
    try:
        with VendorClient(
            "revenium", simulator.urls["revenium"], {"x-api-key": sim_keys.revenium}, patient
        ) as client:
            n = sum(len(p) for p in iter_completion_pages(client, "tmAcme01", day_window(DAY_1)))
            assert client.retries == 1
    finally:
        simulator.clear_faults()
    assert n == len(world.calls(DAY_1))
