"""Helicone face: rows valid against the vendored spec, filters, paging, Jawn's error quirks, totalCost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ingestion.helicone.raw_tables import HELICONE_REQUESTS
from simulator.observers import helicone_cost, helicone_request_ms

from .conftest import DAY, KEYS, bearer, iso, spec_validator

QUERY = "/v1/request/query-clickhouse"


def window(start: str, end: str) -> dict:
    return {
        "left": {"request_response_rmt": {"request_created_at": {"gte": start}}},
        "operator": "and",
        "right": {"request_response_rmt": {"request_created_at": {"lt": end}}},
    }


DAY_FILTER = window(iso(DAY), iso(DAY + timedelta(days=1)))


def query(http, sim, body, key=KEYS.helicone):
    return http.post(sim.urls["helicone"] + QUERY, json=body, headers=bearer(key))


def helicone_rows_of_day(world):
    calls = world.calls(DAY)
    return [i for i in range(calls.n) if calls.in_helicone[i]]


def test_rows_validate_against_the_spec(http, sim):
    r = query(http, sim, {"filter": DAY_FILTER, "limit": 300, "sort": {"created_at": "asc"}})
    assert r.status_code == 200
    body = r.json()
    spec_validator("helicone-openapi.json", "ResultSuccess_HeliconeRequest-Array_").validate(body)
    rows = body["data"]
    assert len(rows) == 300 and body["error"] is None
    paths = {c.path for c in HELICONE_REQUESTS.columns if c.path}
    statuses = set()
    for row in rows:
        assert paths <= set(row)
        assert row["total_tokens"] == row["prompt_tokens"] + row["completion_tokens"]
        assert row["completion_tokens"] >= row["reasoning_tokens"]
        assert row["properties"] == row["request_properties"]
        props = row["properties"]
        assert {"Agent", "Customer", "Product", "Environment", "TaskType"} <= set(props)
        assert props["Helicone-Session-Path"].startswith("/") and props["Helicone-Session-Path"].endswith(
            "/" + props["Agent"]
        )
        assert "helicone_message" in row["request_body"] and row["signed_body_url"] is None
        statuses.add(row["response_status"])
    assert 200 in statuses


def test_paging_covers_the_day_once_and_matches_the_world(http, sim, world):
    calls = world.calls(DAY)
    expected = helicone_rows_of_day(world)
    seen, offset = [], 0
    while True:
        page = query(
            http, sim, {"filter": DAY_FILTER, "offset": offset, "limit": 1000, "sort": {"created_at": "asc"}}
        )
        rows = page.json()["data"]
        if not rows:
            break
        seen += rows
        offset += 1000
    assert len(seen) == len(expected) == len({r["request_id"] for r in seen})
    created = [(r["request_created_at"], r["request_id"]) for r in seen]
    assert created == sorted(created)
    # Helicone's cost of every call it saw: the world's, but for the two models of its stale price table
    assert sum(r["cost"] for r in seen) == pytest.approx(
        sum(int(helicone_cost(calls)[i]) for i in expected) / 1e9, abs=1e-9
    )
    errors = sum(1 for i in expected if calls.is_error[i])
    assert sum(1 for r in seen if r["response_status"] != 200) == errors
    assert all(r["response_status"] in (429, 500) for r in seen if r["response_status"] != 200)


def test_default_sort_is_newest_first_and_default_limit_ten(http, sim):
    rows = query(http, sim, {"filter": DAY_FILTER}).json()["data"]
    assert len(rows) == 10
    assert [r["request_created_at"] for r in rows] == sorted(
        (r["request_created_at"] for r in rows), reverse=True
    )
    assert rows[0]["request_created_at"] < iso(DAY + timedelta(days=1))


def test_property_and_text_filters(http, sim, world):
    calls = world.calls(DAY)
    code = [a.name for a in world.agents].index("code-reviewer")
    expected = sum(1 for i in helicone_rows_of_day(world) if calls.agent[i] == code)
    flt = {
        "left": DAY_FILTER,
        "operator": "and",
        "right": {"request_response_rmt": {"properties": {"Agent": {"equals": "code-reviewer"}}}},
    }
    rows = query(http, sim, {"filter": flt, "limit": 1000}).json()["data"]
    assert len(rows) == expected > 0 and {r["properties"]["Agent"] for r in rows} == {"code-reviewer"}

    session = rows[0]["properties"]["Helicone-Session-Id"]
    by_session = query(
        http,
        sim,
        {
            "filter": {"request_response_rmt": {"properties": {"Helicone-Session-Id": {"equals": session}}}},
            "limit": 100,
        },
    ).json()["data"]
    assert by_session and {r["properties"]["Helicone-Session-Id"] for r in by_session} == {session}
    roots = [r for r in by_session if r["properties"]["Helicone-Session-Path"].count("/") == 1]
    assert len(roots) == 1

    either = {
        "left": DAY_FILTER,
        "operator": "and",
        "right": {
            "left": {"request_response_rmt": {"model": {"equals": "gpt-4o-mini"}}},
            "operator": "or",
            "right": {"request_response_rmt": {"provider": {"equals": "ANTHROPIC"}}},
        },
    }
    rows = query(http, sim, {"filter": either, "limit": 1000}).json()["data"]
    assert rows and all(r["model"] == "gpt-4o-mini" or r["provider"] == "ANTHROPIC" for r in rows)
    user = rows[0]["request_user_id"]
    by_user = query(
        http,
        sim,
        {
            "filter": {
                "left": DAY_FILTER,
                "operator": "and",
                "right": {"request_response_rmt": {"user_id": {"equals": user}}},
            },
            "limit": 1000,
        },
    ).json()["data"]
    assert by_user and {r["request_user_id"] for r in by_user} == {user}


def test_limits_and_errors(http, sim):
    validator = spec_validator("helicone-openapi.json", "ResultError_string_")
    for limit, message in ((1001, "invalid limit"), (-1, "invalid limit")):
        r = query(http, sim, {"filter": "all", "limit": limit})
        assert r.status_code == 500 and r.json() == {"data": None, "error": message}
        validator.validate(r.json())
    r = http.post(
        sim.urls["helicone"] + QUERY,
        data=b'{"filter": "all", "limit": NaN}',
        headers={**bearer(KEYS.helicone), "Content-Type": "application/json"},
    )
    assert r.status_code == 500 and r.json() == {"data": None, "error": "Invalid offset or limit"}
    assert query(http, sim, {"filter": "all", "limit": 1000}).status_code == 200
    r = query(http, sim, {"filter": "all"}, key="sk-wrong")
    assert r.status_code == 401 and "error" in r.json()
    r = http.post(sim.urls["helicone"] + QUERY, json={"filter": "all"})
    assert r.status_code == 401
    r = query(http, sim, {"filter": {"nope": {"x": {"equals": 1}}}})
    assert r.status_code == 500 and r.json()["data"] is None


def test_total_cost(http, sim, world):
    calls = world.calls(DAY)
    start = datetime(2024, 3, 5, 6, tzinfo=UTC)
    end = datetime(2024, 3, 5, 18, tzinfo=UTC)
    lo, hi = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
    expected = (
        sum(
            int(helicone_cost(calls)[i])
            for i in range(calls.n)
            if calls.in_helicone[i] and lo <= helicone_request_ms(calls)[i] < hi
        )
        / 1e9
    )
    r = http.post(
        sim.urls["helicone"] + "/v1/metrics/totalCost",
        json={"filter": "all", "timeFilter": {"start": iso(start), "end": iso(end)}},
        headers=bearer(KEYS.helicone),
    )
    assert r.status_code == 200 and r.json()["error"] is None
    assert r.json()["data"] == pytest.approx(expected, abs=1e-9)


def test_sort_by_cost_and_offset_paging(http, sim, world):
    calls = world.calls(DAY)
    costs = sorted((int(helicone_cost(calls)[i]) for i in helicone_rows_of_day(world)), reverse=True)
    first = query(http, sim, {"filter": DAY_FILTER, "limit": 20, "sort": {"cost": "desc"}}).json()["data"]
    second = query(
        http, sim, {"filter": DAY_FILTER, "limit": 20, "offset": 20, "sort": {"cost": "desc"}}
    ).json()["data"]
    assert [r["cost"] for r in first + second] == pytest.approx([c / 1e9 for c in costs[:40]], abs=1e-12)
    assert not {r["request_id"] for r in first} & {r["request_id"] for r in second}
    newest = query(http, sim, {"filter": DAY_FILTER, "limit": 1000, "sort": {"created_at": "desc"}}).json()[
        "data"
    ]
    oldest = query(http, sim, {"filter": DAY_FILTER, "limit": 1000, "sort": {"created_at": "asc"}}).json()[
        "data"
    ]
    tail = query(
        http, sim, {"filter": DAY_FILTER, "limit": 5, "offset": len(helicone_rows_of_day(world)) - 5}
    ).json()
    assert [r["request_id"] for r in tail["data"]] == [r["request_id"] for r in reversed(oldest[:5])]
    assert newest[0]["request_created_at"] >= oldest[-1]["request_created_at"]
