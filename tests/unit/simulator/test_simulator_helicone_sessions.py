"""Helicone sessions and user metrics: valid against the vendored spec, grouped like the world's traces."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from simulator import catalogue as cat
from simulator.observers import helicone_cost

from .conftest import DAY, KEYS, bearer, spec_validator

START_MS = int(datetime.combine(DAY, datetime.min.time(), UTC).timestamp() * 1000)
END_MS = START_MS + 86_400_000


def post(http, sim, path, body):
    return http.post(sim.urls["helicone"] + path, json=body, headers=bearer(KEYS.helicone))


def session_body(**extra):
    return {
        "search": "",
        "timeFilter": {"startTimeUnixMs": START_MS, "endTimeUnixMs": END_MS},
        "timezoneDifference": 0,
        "filter": "all",
        **extra,
    }


def test_sessions_validate_and_group_the_days_requests_by_trace(http, sim, world):
    r = post(http, sim, "/v1/session/query", session_body(limit=1000))
    assert r.status_code == 200
    body = r.json()
    spec_validator("helicone-openapi.json", "ResultSuccess_SessionResult-Array_").validate(body)
    c = world.calls(DAY)
    rows = np.flatnonzero(c.in_helicone)
    traces = {c.trace_id_str(i) for i in rows}
    got = {s["session_id"]: s for s in body["data"]}
    assert set(got) == traces
    assert sum(s["total_requests"] for s in got.values()) == len(rows)
    assert round(sum(s["total_cost"] for s in got.values()) * 1e9) == int(helicone_cost(c)[rows].sum())
    created = [s["created_at"] for s in body["data"]]
    assert created == sorted(created, reverse=True)  # created_at DESC
    i = int(rows[0])
    one = got[c.trace_id_str(i)]
    assert one["session_name"] == cat.TRACE_NAMES[c.trace_name[i]]
    assert one["user_ids"] == [cat.SUBSCRIBERS[c.subscriber[i]].email]


def test_sessions_default_limit_search_and_required_fields(http, sim):
    assert len(post(http, sim, "/v1/session/query", session_body()).json()["data"]) == 50
    first = post(http, sim, "/v1/session/query", session_body(limit=1)).json()["data"][0]
    hit = post(
        http, sim, "/v1/session/query", session_body(search=first["session_id"][:12].upper(), limit=1000)
    )
    assert [s["session_id"] for s in hit.json()["data"]] == [first["session_id"]]
    named = post(http, sim, "/v1/session/query", session_body(nameEquals=first["session_name"], limit=1000))
    assert {s["session_name"] for s in named.json()["data"]} == {first["session_name"]}
    missing = session_body()
    del missing["search"]
    r = post(http, sim, "/v1/session/query", missing)
    assert r.status_code == 400 and r.json() == {"data": None, "error": "search is required"}
    r = post(http, sim, "/v1/session/query", session_body(timezoneDifference="x"))
    assert r.status_code == 500 and r.json()["error"] == "Invalid timezone difference"


def test_user_metrics_validate_and_add_up(http, sim, world):
    body = {
        "filter": "all",
        "offset": 0,
        "limit": 1000,
        "timeFilter": {"startTimeUnixSeconds": START_MS // 1000, "endTimeUnixSeconds": END_MS // 1000},
    }
    r = post(http, sim, "/v1/user/metrics/query", body)
    assert r.status_code == 200
    spec_validator(
        "helicone-openapi.json",
        "ResultSuccess__users-UserMetricsResult-Array--count-number--hasUsers-boolean__",
    ).validate(r.json())
    data = r.json()["data"]
    c = world.calls(DAY)
    rows = np.flatnonzero(c.in_helicone)
    users = {cat.SUBSCRIBERS[s].email for s in c.subscriber[rows]}
    assert data["count"] == len(data["users"]) == len(users) and data["hasUsers"] is True
    assert sum(u["total_requests"] for u in data["users"]) == len(rows)
    last = [u["last_active"] for u in data["users"]]
    assert last == sorted(last, reverse=True)  # default sort: last_active desc
    two_days = dict(
        body,
        timeFilter={
            "startTimeUnixSeconds": START_MS // 1000,
            "endTimeUnixSeconds": (END_MS + 86_400_000) // 1000,
        },
    )
    assert (
        max(
            u["active_for"]
            for u in post(http, sim, "/v1/user/metrics/query", two_days).json()["data"]["users"]
        )
        == 2
    )
    r = post(http, sim, "/v1/user/metrics/query", dict(body, limit=1001))
    assert r.status_code == 400 and r.json() == {"data": None, "error": "Limit cannot be greater than 1000"}
