"""Every page walk ends: the same page three times in a row (twice is a vendor slipping back, and is read
on), a cursor seen before, or more pages than ``AIECON_MAX_PAGES`` stops it with an error naming vendor,
endpoint and what repeated (the loop guard, ``ingestion.core.paging.PageWalk``).

The servers here are scripted clients that answer from memory and give up (AssertionError) after 60
requests, so a walk without a guard fails fast instead of running for ever; one case runs against a local
server on 127.0.0.1 that ignores Helicone's offset, as the real one did.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ingestion.core.http_client import RetryPolicy, VendorClient
from ingestion.core.windows import Window
from ingestion.helicone.source import (
    QUERY_PATH,
    iter_request_pages,
    iter_session_pages,
    iter_user_metric_pages,
)
from ingestion.orq.source import iter_trace_pages, trace_spans
from ingestion.revenium import agentic
from ingestion.revenium.paged_tables import iter_page_tables
from ingestion.revenium.paging import iter_pages
from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS
from ingestion.revenium.source import cost_by_provider_items
from simulator.revenium.completions import completion_record
from simulator.world import World
from tests.unit.ingestion.local_http import serve

DAY = Window(datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC))
GIVE_UP = 60
THRICE = r" \(the same 1000 record ids, 3 identical pages in a row\)"


class Endless:
    """A stand-in client whose answer is a function of the request number; it refuses the 61st request."""

    def __init__(self, vendor, answer):
        self.vendor, self.answer, self.calls = vendor, answer, []

    def _next(self, path, args):
        self.calls.append((path, args))
        if len(self.calls) > GIVE_UP:
            raise AssertionError(f"still paging after {GIVE_UP} requests: no loop guard")
        return self.answer(len(self.calls) - 1, args)

    def post(self, path, body):
        return self._next(path, body)

    def get(self, path, params=None):
        return self._next(path, params)

    def get_bytes(self, path, params=None):
        return json.dumps(self._next(path, params)).encode()


def loops(match):
    """pytest.raises for the guard's error (a RuntimeError) whose message matches ``match``."""
    return pytest.raises(RuntimeError, match=match)


def helicone_rows(n, start=0):
    return [
        {"request_id": f"r{start + i}", "session_id": f"s{start + i}", "user_id": f"u{start + i}"}
        for i in range(n)
    ]


# -- the same page again and again ----------------------------------------------------------------------------
def test_helicone_requests_ignoring_the_offset_stop_at_the_third_page():
    client = Endless("helicone", lambda n, body: {"data": helicone_rows(1000), "error": None})
    with loops(
        r"helicone: /v1/request/query-clickhouse \(day 2026-03-03\): .*offset 2000 repeats offset 0" + THRICE
    ):
        list(iter_request_pages(client, DAY))
    assert len(client.calls) == 3


def test_helicone_sessions_and_user_metrics_ignoring_the_offset_stop():
    sessions = Endless("helicone", lambda n, body: {"data": helicone_rows(1000), "error": None})
    with loops(r"/v1/session/query \(day 2026-03-03\).*the same 1000 record ids"):
        list(iter_session_pages(sessions, DAY))
    users = Endless(
        "helicone", lambda n, body: {"data": {"users": helicone_rows(1000), "count": 10**9}, "error": None}
    )
    with loops(r"/v1/user/metrics/query .*offset 2000 repeats offset 0" + THRICE):
        list(iter_user_metric_pages(users, DAY))


def test_orq_traces_and_spans_that_repeat_their_page_stop():
    def page(key):
        return lambda n, args: {"data": [{key: "same"}], "has_more": True, "next_page_token": f"t{n}"}

    with loops(r"orq: /v3/traces/search \(day 2026-03-03\): .*page_token t1 repeats the first page"):
        list(iter_trace_pages(Endless("orq", page("trace_id")), DAY))
    with loops(r"orq: /v3/traces/tr1/spans: .*repeats"):
        trace_spans(Endless("orq", page("span_id")), "tr1")


def test_revenium_lists_without_a_page_count_that_repeat_stop():
    bare = Endless("revenium", lambda n, params: [{"id": f"c{i}"} for i in range(100)])
    path = "/profitstream/v2/api/sources/metrics/ai/completions"
    params = {"teamId": "tm1", "startDate": "2026-03-03T00:00:00Z"}
    with loops(rf"revenium: {path} \(day 2026-03-03, team tm1\): .*page 2 repeats page 0"):
        list(iter_pages(bare, path, params))
    # no ids at all (an analytics list): the bodies are compared
    groups = Endless("revenium", lambda n, params: [{"groupName": f"g{i}"} for i in range(100)])
    with loops(r"page 2 repeats page 0 \(the same body, 3 identical pages in a row\)"):
        list(iter_pages(groups, "/api/v2/analytics/x", {}, id_field=None))


def test_revenium_pages_that_ignore_the_page_number_stop_even_with_a_page_count():
    def hal(n, params):
        return {"_embedded": {"list": [{"id": f"c{i}"} for i in range(100)]}, "page": {"totalPages": 10**4}}

    with loops("page 2 repeats page 0"):
        list(iter_pages(Endless("revenium", hal), "/x", {}))
    with loops("page 2 repeats page 0"):
        cost_by_provider_items(Endless("revenium", hal), DAY)
    transactions = Endless("revenium", lambda n, p: {"transactions": [{"v": 1}], "totalCount": 10**9})
    with loops(r"/profitstream/v2/api/jobs/j1/transactions \(team tm1\): .*page 2 repeats page 0"):
        agentic.job_transactions(transactions, "tm1", "j1")


@pytest.mark.parametrize("batch_pages", [1, 3])
@pytest.mark.parametrize("change", [{}, {"inputTokenCount": "12"}], ids=["columnar", "per-record"])
def test_the_columnar_completions_walk_stops_on_a_repeated_page(batch_pages, change, monkeypatch):
    monkeypatch.setenv("AIECON_MAX_PAGES", "100000")
    calls = World(seed=3, calls_per_day=100).calls(DAY.start.date())
    records = [{**completion_record(calls, i), **change} for i in range(calls.n)]
    body = {"_embedded": {"aICompletionMetricResourceList": records}, "page": {"totalPages": 50}}
    client = Endless("revenium", lambda n, params: body)
    params = {"teamId": "tm1", "startDate": "2026-03-03T00:00:00Z"}
    team = {"team_id": "tm1"}
    with loops(r"revenium: /c \(day 2026-03-03, team tm1\): .*page 2 repeats page 0"):
        list(iter_page_tables(client, "/c", params, REVENIUM_COMPLETIONS, DAY, team, batch_pages=batch_pages))


# -- a cursor seen before -------------------------------------------------------------------------------------
def test_an_orq_page_token_that_comes_back_stops_the_walk():
    # t0 -> t1 -> t0: every page differs, but the walk would cycle for ever
    def answer(n, args):
        return {"data": [{"span_id": f"s{n}"}], "has_more": True, "next_page_token": f"t{n % 2}"}

    with loops(r"cursor 't0' came back again"):
        trace_spans(Endless("orq", answer), "tr1")


# -- more pages than the cap ------------------------------------------------------------------------------------
def test_more_pages_than_the_cap_stop_the_walk(monkeypatch):
    monkeypatch.setenv("AIECON_MAX_PAGES", "5")
    fresh = Endless("helicone", lambda n, body: {"data": helicone_rows(1000, start=1000 * n), "error": None})
    with loops(r"more than 5 pages \(AIECON_MAX_PAGES\)"):
        list(iter_request_pages(fresh, DAY))
    assert len(fresh.calls) == 6
    announced = Endless("revenium", lambda n, p: {"_embedded": {"l": [{"id": n}]}, "page": {"totalPages": 6}})
    with loops("announces 6 pages, more than 5"):
        list(iter_pages(announced, "/x", {}))


def test_walks_that_end_are_not_stopped():
    def ids_read(pages):
        client = Endless("helicone", lambda n, body: {"data": pages[n], "error": None})
        return {r["request_id"] for page in iter_request_pages(client, DAY) for r in page}, len(client.calls)

    assert ids_read([helicone_rows(1000), helicone_rows(1000, start=1000), []]) == (
        {f"r{i}" for i in range(2000)},
        3,
    )
    # the same page once more (a vendor's paging slipping back, the simulator's repeat_page) is read on
    assert ids_read([helicone_rows(229), helicone_rows(229), []]) == ({f"r{i}" for i in range(229)}, 3)
    # a page sharing some records with the one before (Helicone's post-limit de-duplication) is no loop
    assert ids_read([helicone_rows(1000), helicone_rows(1000, start=500), []]) == (
        {f"r{i}" for i in range(1500)},
        3,
    )


def test_a_helicone_server_ignoring_the_offset_over_http():
    page = json.dumps({"data": helicone_rows(1000), "error": None}).encode()

    def ignoring_the_offset(seen, server):
        if len(server.seen) > GIVE_UP:
            return 418, {}, b'{"error": "still paging: no loop guard"}'
        return 200, {"Content-Type": "application/json"}, page

    with serve(ignoring_the_offset) as server:
        client = VendorClient(
            "helicone", server.url, {"Authorization": "Bearer k"}, RetryPolicy(max_attempts=1)
        )
        with (
            client,
            loops(rf"helicone: {QUERY_PATH} \(day 2026-03-03\).*offset 2000 repeats offset 0" + THRICE),
        ):
            list(iter_request_pages(client, DAY))
    assert len(server.seen) == 3
