"""Revenium's client against the simulator's faithful behaviours (issue 3, part a).

Envelope variants, a page break inside a second, the 429 path, error bodies, several teams, and prompt
text and credential values that must never land. Expected values come from the simulator's world or from
the vendor's own ``page.totalElements`` over plain HTTP, never from the source under test.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta

import dlt
import duckdb
import numpy as np
import pytest
import requests

from ingestion.core.http_client import RetryPolicy, VendorAPIError, VendorClient
from ingestion.core.windows import Window, iso_z
from ingestion.revenium import COMPLETIONS_PATH, iter_completion_pages, revenium_source
from ingestion.revenium.settings import ReveniumSettings
from simulator.faults import FaultRule
from simulator.revenium.options import (
    CREDENTIAL_MARKER,
    ENVELOPES,
    PROMPT_MARKER,
    ReveniumOptions,
)
from simulator.server import SimulatorServer
from simulator.world import World
from tests.conftest import DAY_1, DAY_2
from tests.integration.pipeline import load_source
from tests.integration.vendor_figures import day_window

FAST = RetryPolicy(max_attempts=5, backoff_base_s=0.05, backoff_max_s=1, timeout_s=30)
TEAMS = ("tmAcme01", "tmBeta02")


@contextmanager
def revenium_options(sim: SimulatorServer, **changes) -> Iterator[None]:
    face = sim.faces["revenium"]
    before = face.options
    face.options = replace(before, **changes)
    try:
        yield
    finally:
        face.options = before


def client_for(sim, keys, sleep=time.sleep) -> VendorClient:
    return VendorClient("revenium", sim.urls["revenium"], {"x-api-key": keys.revenium}, FAST, sleep=sleep)


def total_elements(sim, keys, team: str, window: Window) -> int:
    body = requests.get(
        f"{sim.urls['revenium']}{COMPLETIONS_PATH}",
        params={"teamId": team, "startDate": iso_z(window.start), "endDate": iso_z(window.end)},
        headers={"x-api-key": keys.revenium},
        timeout=30,
    ).json()
    return body["page"]["totalElements"]


# -- envelopes ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("envelope", ENVELOPES)
def test_every_envelope_variant_reads_the_whole_day(simulator, sim_keys, world, envelope):
    n = len(world.calls(DAY_1))  # 1672 calls: 17 pages of 100, the last one short
    with revenium_options(simulator, envelope=envelope), client_for(simulator, sim_keys) as client:
        ids = [r["id"] for p in iter_completion_pages(client, "tmAcme01", day_window(DAY_1)) for r in p]
        requests_made = client.requests_made - client.retries  # pages asked for; a 429 retry is not one
        # A day before the world starts is empty in every envelope: one request, no records.
        empty = list(iter_completion_pages(client, "tmAcme01", day_window(world.start_day - timedelta(1))))
    assert len(ids) == len(set(ids)) == n
    # With page metadata the walk stops at totalPages; a bare array is walked until a short page.
    assert requests_made == math.ceil(n / 100)
    assert empty == []


def test_bare_arrays_with_an_exact_multiple_need_one_empty_page(simulator, sim_keys, world):
    n = len(world.calls(DAY_1))
    size = next(s for s in range(100, 1, -1) if n % s == 0)  # 1672 = 8 x 209 -> 88 divides it
    with revenium_options(simulator, envelope="bare"), client_for(simulator, sim_keys) as client:
        pages = list(iter_completion_pages(client, "tmAcme01", day_window(DAY_1), page_size=size))
        assert client.requests_made - client.retries == n // size + 1
    assert sum(len(p) for p in pages) == n


# -- a page break inside a second ------------------------------------------------------------------------
def test_a_page_break_inside_a_second_loses_and_repeats_nothing(simulator, sim_keys, world):
    calls = world.calls(DAY_1)
    seconds = calls.request_ms // 1000
    # A page size whose break falls inside a run of at least three calls of the same second (from the
    # world's own request times): rows k-2, k-1 on one page, row k (and maybe more) on the next.
    size, boundary = next(
        (s, k)
        for s in range(100, 1, -1)
        for k in range(s, calls.n - 1, s)
        if seconds[k - 2] == seconds[k - 1] == seconds[k]
    )
    window = day_window(DAY_1)
    with client_for(simulator, sim_keys) as client:
        pages = list(iter_completion_pages(client, "tmAcme01", window, page_size=size))
    ids = [r["id"] for p in pages for r in p]
    page_of_boundary = pages[boundary // size]
    before = pages[boundary // size - 1]
    assert before[-1]["requestTime"][:19] == page_of_boundary[0]["requestTime"][:19]  # same second
    assert len(ids) == len(set(ids)) == total_elements(simulator, sim_keys, "tmAcme01", window) == calls.n
    assert ids == [calls.metric_id_str(i) for i in range(calls.n)]  # the world's order, nothing skipped


# -- 429, Retry-After, rate-limit headers, error bodies ----------------------------------------------------
def test_the_client_waits_at_least_retry_after(simulator, sim_keys, world):
    waits: list[float] = []
    simulator.add_fault(FaultRule("revenium", path_contains="/completions", status=429, retry_after=7))
    try:
        # Record each wait and sleep at most a second of it: enough for the session simulator's own
        # rate limit (Retry-After: 1) when a fast client trips it, without waiting the fault's 7 s.
        def sleep(seconds: float) -> None:
            waits.append(seconds)
            time.sleep(min(seconds, 1.0))

        with client_for(simulator, sim_keys, sleep=sleep) as client:
            n = sum(len(p) for p in iter_completion_pages(client, "tmAcme01", day_window(DAY_1)))
    finally:
        simulator.clear_faults()
    assert waits and waits[0] >= 7  # backoff alone would be 0.05 s
    assert n == len(world.calls(DAY_1))


def test_real_rate_limit_buckets_answer_429_with_headers_and_are_waited_out(world, sim_keys):
    # 0.02 x 50/100 req/s -> 1 request per second in the platform bucket, 2 in the analytics bucket.
    with SimulatorServer(world, sim_keys, rate_limit_scale=0.02) as sim:
        url = f"{sim.urls['revenium']}{COMPLETIONS_PATH}"
        params = {"teamId": "tmAcme01", "startDate": iso_z(day_window(DAY_1).start), "size": 1}
        with requests.Session() as http:
            http.headers["x-api-key"] = sim_keys.revenium
            answers = [http.get(url, params=params, timeout=10) for _ in range(4)]
        ok = next(r for r in answers if r.status_code == 200)
        assert ok.headers["X-RateLimit-Bucket"] == "analytics"  # AI metrics reads are "analytics"
        assert ok.headers["X-RateLimit-Limit"] == "2"
        limited = next(r for r in answers if r.status_code == 429)
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.headers["X-RateLimit-Remaining"] == "0"
        assert limited.headers["X-RateLimit-Limited-Reason"] == "bucket-rate"
        assert limited.json() == {"error": "Rate limit exceeded"}
        started = time.monotonic()
        with client_for(sim, sim_keys) as client:
            pages = list(iter_completion_pages(client, "tmAcme01", day_window(DAY_1), page_size=100))
            assert client.retries >= 1
        assert time.monotonic() - started >= (math.ceil(len(world.calls(DAY_1)) / 100) - 2) / 2
        assert sum(len(p) for p in pages) == len(world.calls(DAY_1))


def test_vendor_error_bodies_reach_the_error_message(simulator, sim_keys):
    with client_for(simulator, sim_keys) as client:
        with pytest.raises(VendorAPIError, match="Expected ISO 8601") as bad_date:
            client.get(COMPLETIONS_PATH, params={"teamId": "tmAcme01", "startDate": "yesterday"})
        with pytest.raises(VendorAPIError, match="team not found: tmNope") as bad_team:
            client.get(COMPLETIONS_PATH, params={"teamId": "tmNope"})
    assert (bad_date.value.status, bad_team.value.status) == (400, 404)
    wrong_key = VendorClient("revenium", simulator.urls["revenium"], {"x-api-key": "wrong"}, FAST)
    with wrong_key, pytest.raises(VendorAPIError, match="Invalid or inactive API key"):
        wrong_key.get(COMPLETIONS_PATH, params={"teamId": "tmAcme01"})


# -- several teams, and nothing secret lands ------------------------------------------------------------
@pytest.fixture(scope="module")
def two_team_sim(sim_keys) -> Iterator[tuple[SimulatorServer, World]]:
    world = World(seed=11, calls_per_day=800, team_ids=TEAMS)
    options = ReveniumOptions(serve_prompts=True)
    with SimulatorServer(world, sim_keys, rate_limits=False, revenium_options=options) as sim:
        yield sim, world


@pytest.fixture(scope="module")
def two_team_load(two_team_sim, sim_keys, tmp_path_factory):
    sim, _ = two_team_sim
    settings = ReveniumSettings(
        sim.urls["revenium"], sim.urls["revenium_analytics"], sim_keys.revenium, TEAMS
    )
    path = tmp_path_factory.mktemp("two_teams") / "raw.duckdb"
    window = Window.for_days(DAY_1, DAY_2 + timedelta(days=1))
    return load_source(revenium_source(window.start, window.end, settings), path)


def test_each_team_and_day_holds_exactly_the_vendors_total_elements(two_team_sim, two_team_load, sim_keys):
    sim, world = two_team_sim
    with duckdb.connect(str(two_team_load), read_only=True) as con:
        counts = dict(
            ((team, day), n)
            for team, day, n in con.execute(
                "select team_id, _day, count(distinct id) from raw_revenium.completions group by all"
            ).fetchall()
        )
        nulls = con.execute("select count(*) from raw_revenium.completions where team_id is null").fetchone()
    expected = {
        (team, day): total_elements(sim, sim_keys, team, day_window(day))
        for team in TEAMS
        for day in (DAY_1, DAY_2)
    }
    assert counts == expected
    assert all(n > 0 for n in expected.values())
    assert nulls == (0,)
    # Organizations alternate between the two teams; the world's own team codes say how many each has.
    for day in (DAY_1, DAY_2):
        team_codes = world.calls(day).team
        assert [expected[(t, day)] for t in TEAMS] == [int((team_codes == k).sum()) for k in range(2)]


def text_cells(path) -> Iterator[tuple[str, str]]:
    """(table.column, value) of every non-null text cell of every table in the database."""
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type in ('VARCHAR', 'JSON')"
        ).fetchall()
        for schema, table, column in columns:
            for (value,) in con.execute(
                f'select distinct "{column}"::varchar from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall():
                yield f"{schema}.{table}.{column}", value


def test_no_prompt_text_or_credential_value_lands(two_team_sim, two_team_load, sim_keys):
    sim, _ = two_team_sim
    served = requests.get(
        f"{sim.urls['revenium']}{COMPLETIONS_PATH}",
        params={"teamId": TEAMS[0], "startDate": iso_z(day_window(DAY_1).start), "size": 1},
        headers={"x-api-key": sim_keys.revenium},
        timeout=30,
    ).json()["_embedded"]["aICompletionMetricResourceList"][0]
    # The simulator really did serve prompt text and a credential value...
    assert PROMPT_MARKER in served["systemPrompt"] and PROMPT_MARKER in served["outputResponse"]
    assert PROMPT_MARKER in served["inputMessages"]
    assert served["subscriberCredential"]["value"].startswith(CREDENTIAL_MARKER)
    # ...and not one text cell of the warehouse holds any of it, nor the API key.
    cells = list(text_cells(two_team_load))
    assert len(cells) > 1000
    leaks = [
        where
        for where, value in cells
        if PROMPT_MARKER in value or CREDENTIAL_MARKER in value or sim_keys.revenium in value
    ]
    assert leaks == []
    assert np.isin(["raw_revenium.completions.subscriber_credential_label"], [w for w, _ in cells]).all()


# -- soft deletes and late records: a re-run of a day converges on what the vendor lists now ----------------
class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def load_completions(sim, keys, path, day) -> None:
    settings = ReveniumSettings(
        sim.urls["revenium"], sim.urls["revenium_analytics"], keys.revenium, ("tmAcme01",)
    )
    window = day_window(day)
    pipeline = dlt.pipeline(
        pipeline_name="late_and_deleted",
        pipelines_dir=str(path.parent / "pipelines"),
        destination=dlt.destinations.duckdb(credentials=str(path)),
        dataset_name="raw_revenium",
    )
    source = revenium_source(window.start, window.end, settings).with_resources("completions")
    pipeline.run(source).raise_on_failed_jobs()


def landed_ids(path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {i for (i,) in con.execute("select id from raw_revenium.completions").fetchall()}


def test_late_records_and_soft_deletes_are_picked_up_by_a_rerun(sim_keys, tmp_path):
    from simulator.revenium.options import arrives_late, soft_deleted

    world = World(seed=5, calls_per_day=600)
    calls = world.calls(DAY_1)
    rows = np.arange(calls.n)
    late = arrives_late(calls, rows, 0.3)
    deleted = soft_deleted(calls, rows, 0.05)
    day_end_ms = int(day_window(DAY_1).end.timestamp() * 1000)
    # First load 30 minutes after midnight: late calls of the day's last 5.5 hours have not arrived yet.
    clock = Clock(day_window(DAY_1).end + timedelta(minutes=30))
    options = ReveniumOptions(late_share=0.3, late_delay_ms=6 * 3_600_000)
    missing_at_first = late & (calls.request_ms + 6 * 3_600_000 > day_end_ms + 30 * 60_000)
    assert missing_at_first.sum() > 0 and deleted.sum() > 0
    path = tmp_path / "raw.duckdb"
    with SimulatorServer(world, sim_keys, rate_limits=False, clock=clock, revenium_options=options) as sim:
        load_completions(sim, sim_keys, path, DAY_1)
        first = landed_ids(path)
        assert first == {calls.metric_id_str(i) for i in rows[~missing_at_first]}
        assert len(first) == total_elements(sim, sim_keys, "tmAcme01", day_window(DAY_1))
        # A day later every late record has arrived, and 5% of the calls have since been soft-deleted.
        clock.now += timedelta(days=1)
        sim.faces["revenium"].options = replace(options, soft_delete_share=0.05)
        load_completions(sim, sim_keys, path, DAY_1)
        second = landed_ids(path)
        assert len(second) == total_elements(sim, sim_keys, "tmAcme01", day_window(DAY_1))
    assert second == {calls.metric_id_str(i) for i in rows[~deleted]}
    assert second - first == {calls.metric_id_str(i) for i in rows[missing_at_first & ~deleted]}  # late ones
    assert first - second == {calls.metric_id_str(i) for i in rows[deleted & ~missing_at_first]}  # vanished
