"""Helicone's quirks through our client: rows repeated across pages, HTTP 500 with the {data, error}
envelope for validation errors, and 429 with Retry-After.

Expected values come from the simulator's world (which calls Helicone logged) or from the simulator's own
endpoint, never from the source under test.
"""

import time

import numpy as np
import pytest
import requests

from ingestion.core.arrow_pages import records_to_table
from ingestion.core.dlt_resources import FirstByKey
from ingestion.core.http_client import RetryPolicy, VendorAPIError, VendorClient
from ingestion.helicone.raw_tables import HELICONE_REQUESTS
from ingestion.helicone.source import QUERY_PATH, HeliconeError, iter_request_pages, unwrap, window_filter
from simulator.faults import FaultRule
from simulator.observers import helicone_cost
from tests.conftest import DAY_1
from tests.integration.pipeline import load_source
from tests.integration.vendor_figures import day_window

FAST = RetryPolicy(max_attempts=5, backoff_base_s=0.05, backoff_max_s=1, timeout_s=30)


def client(sim, keys, policy=FAST):
    return VendorClient(
        "helicone", sim.urls["helicone"], {"Authorization": f"Bearer {keys.helicone}"}, policy
    )


def raw_page(sim, keys, offset, limit):
    body = {
        "filter": window_filter(day_window(DAY_1)),
        "offset": offset,
        "limit": limit,
        "sort": {"created_at": "asc"},
    }
    return requests.post(
        sim.urls["helicone"] + QUERY_PATH,
        json=body,
        headers={"Authorization": f"Bearer {keys.helicone}"},
        timeout=30,
    )


def world_request_ids(world):
    calls = world.calls(DAY_1)
    return {calls.request_id_str(i) for i in range(calls.n) if calls.in_helicone[i]}


def test_rows_repeated_across_pages_are_landed_once(simulator, sim_keys, world):
    face = simulator.faces["helicone"]
    face.page_overlap = 7
    try:
        first = raw_page(simulator, sim_keys, 0, 100).json()["data"]
        second = raw_page(simulator, sim_keys, 100, 100).json()["data"]
        # the quirk is on: page 2 starts with the last 7 rows of page 1
        assert [r["request_id"] for r in second[:7]] == [r["request_id"] for r in first[-7:]]
        with client(simulator, sim_keys) as c:
            pages = list(iter_request_pages(c, day_window(DAY_1), limit=100))
    finally:
        face.page_overlap = 0
    # The walk hands the repeats on; the resource's duplicate rule (FirstByKey) drops them, being identical.
    window = day_window(DAY_1)
    keep = FirstByKey(HELICONE_REQUESTS)
    tables = [keep(records_to_table(HELICONE_REQUESTS, page, window)) for page in pages]
    assert sum(len(page) for page in pages) > len(world_request_ids(world))  # repeats were served
    assert keep.take_conflicts() == []
    ids = [i for t in tables for i in t.column("request_id").to_pylist()]
    expected = world_request_ids(world)
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected


def test_validation_error_is_http_500_with_the_error_envelope(simulator, sim_keys):
    r = raw_page(simulator, sim_keys, 0, 1001)
    assert r.status_code == 500
    assert r.json() == {"data": None, "error": "invalid limit"}

    policy = RetryPolicy(max_attempts=2, backoff_base_s=0.01)
    with client(simulator, sim_keys, policy) as c, pytest.raises(VendorAPIError) as err:
        list(iter_request_pages(c, day_window(DAY_1), limit=1001))
    # 500 is retried like any 5xx, then the vendor's own error text is reported
    assert err.value.status == 500 and err.value.attempts == 2
    assert "invalid limit" in str(err.value)


def test_an_error_inside_a_200_envelope_raises():
    assert unwrap({"data": [1], "error": None}) == [1]
    with pytest.raises(HeliconeError, match="boom"):
        unwrap({"data": None, "error": "boom"})
    with pytest.raises(HeliconeError, match="unexpected response shape"):
        unwrap([{"request_id": "x"}])


def test_429_is_waited_out_and_nothing_is_lost(simulator, sim_keys, world):
    simulator.add_fault(
        FaultRule("helicone", path_contains="query-clickhouse", status=429, retry_after=1, times=2)
    )
    try:
        started = time.monotonic()
        with client(simulator, sim_keys) as c:
            ids = [r["request_id"] for p in iter_request_pages(c, day_window(DAY_1)) for r in p]
            assert c.retries == 2
        assert time.monotonic() - started >= 2.0  # two Retry-After: 1 honoured
    finally:
        simulator.clear_faults()
    assert set(ids) == world_request_ids(world) and len(ids) == len(set(ids))


def test_429_body_is_helicones_rate_limit_shape(simulator, sim_keys):
    simulator.add_fault(FaultRule("helicone", path_contains="query-clickhouse", status=429, retry_after=3))
    try:
        r = raw_page(simulator, sim_keys, 0, 10)
    finally:
        simulator.clear_faults()
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    assert set(r.json()) == {"error"}


# -- sessions and user metrics -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def helicone_raw(simulator, sim_keys, tmp_path_factory):
    import duckdb

    from ingestion.helicone import helicone_source

    window = day_window(DAY_1)
    path = tmp_path_factory.mktemp("helicone") / "raw.duckdb"
    return duckdb.connect(str(load_source(helicone_source(window.start, window.end), path)), read_only=True)


def test_sessions_are_the_worlds_traces_with_their_totals(helicone_raw, world):
    c = world.calls(DAY_1)
    rows = np.flatnonzero(c.in_helicone)
    expected = {}
    for i in rows:
        s = expected.setdefault(c.trace_id_str(i), [0, 0, 0, 0])
        s[0] += 1
        s[1] += int(helicone_cost(c)[i])
        s[2] += int(c.input_tokens[i])  # Helicone's prompt tokens exclude cache tokens
        s[3] += int(c.output_tokens[i])
    landed = {
        sid: [n, round(cost * 1e9), p, o]
        for sid, n, cost, p, o in helicone_raw.execute(
            "select session_id, total_requests, total_cost, prompt_tokens, completion_tokens "
            "from raw_helicone.sessions"
        ).fetchall()
    }
    assert landed == expected


def test_sessions_page_by_offset_without_loss(simulator, sim_keys, world):
    from ingestion.helicone.source import iter_session_pages

    c = world.calls(DAY_1)
    expected = {c.trace_id_str(i) for i in np.flatnonzero(c.in_helicone)}
    with client(simulator, sim_keys) as cl:
        ids = [s["session_id"] for p in iter_session_pages(cl, day_window(DAY_1), limit=50) for s in p]
        assert cl.requests_made == len(expected) // 50 + 1
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected


def test_user_metrics_match_the_world(helicone_raw, world):
    from simulator import catalogue as cat

    c = world.calls(DAY_1)
    expected = {}
    for i in np.flatnonzero(c.in_helicone):
        u = expected.setdefault(cat.SUBSCRIBERS[c.subscriber[i]].email, [0, 0])
        u[0] += 1
        u[1] += int(helicone_cost(c)[i])
    landed = {
        user: [n, round(cost * 1e9)]
        for user, n, cost, days in helicone_raw.execute(
            "select user_id, total_requests, cost, active_for from raw_helicone.user_metrics"
        ).fetchall()
    }
    assert landed == expected
    assert helicone_raw.execute(
        "select min(active_for), max(active_for) from raw_helicone.user_metrics"
    ).fetchone() == (1, 1)


def test_pages_asked_ahead_by_offset_give_the_sequential_walk(simulator, sim_keys, world):
    """Four pages in flight (``HELICONE_PAGE_CONCURRENCY``): the same pages in the same order as one at a
    time, ending at the first empty page (the pages asked past it are dropped), the day's requests once each."""
    with client(simulator, sim_keys) as c:
        one = list(iter_request_pages(c, day_window(DAY_1), limit=100))
        four = list(iter_request_pages(c, day_window(DAY_1), limit=100, concurrency=4))
    assert four == one
    assert len(one) == -(-len(world_request_ids(world)) // 100)  # pages of 100, the last one short
    assert {r["request_id"] for page in four for r in page} == world_request_ids(world)
