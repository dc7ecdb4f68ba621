"""Revenium faces: HAL paging of completions, record fields, windows, analytics agreeing with the records."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from ingestion.core.raw_table import DENIED_FIELDS
from ingestion.revenium.raw_tables import REVENIUM_COMPLETIONS
from simulator.prices import PROVIDERS
from simulator.revenium.media import media_of

from .conftest import COMPLETIONS, DAY, KEYS, NOW, bearer, iso, revenium_headers


def get_page(http, sim, **params):
    params.setdefault("teamId", "tmAcme01")
    r = http.get(sim.urls["revenium"] + COMPLETIONS, params=params, headers=revenium_headers())
    return r


def all_records(http, sim, start, end, sort="timestamp,asc", size=100):
    out, page = [], 0
    while True:
        body = get_page(http, sim, startDate=start, endDate=end, page=page, size=size, sort=sort).json()
        out += body.get("_embedded", {}).get("aICompletionMetricResourceList", [])
        page += 1
        if page >= body["page"]["totalPages"]:
            return out, body


def dotted(record, path):
    value = record
    for part in path.split("."):
        assert isinstance(value, dict) and part in value, path
        value = value[part]
    return value


def test_page_envelope_size_clamp_and_total_pages(http, sim, world):
    n = world.calls(DAY).n
    r = get_page(http, sim, startDate=iso(DAY), endDate=iso(DAY + timedelta(days=1)), size=500)
    assert r.status_code == 200
    body = r.json()
    assert body["page"] == {"size": 100, "totalElements": n, "totalPages": math.ceil(n / 100), "number": 0}
    assert len(body["_embedded"]["aICompletionMetricResourceList"]) == 100
    assert body["_links"]["self"]["href"].startswith(sim.urls["revenium"] + COMPLETIONS + "?")
    assert "page=1" in body["_links"]["next"]["href"]
    # the default size is 20 and the last page is short
    body = get_page(http, sim, startDate=iso(DAY), endDate=iso(DAY + timedelta(days=1))).json()
    assert body["page"]["size"] == 20 and len(body["_embedded"]["aICompletionMetricResourceList"]) == 20
    last = math.ceil(n / 100) - 1
    body = get_page(http, sim, startDate=iso(DAY), endDate=iso(DAY + timedelta(days=1)), size=100, page=last)
    assert len(body.json()["_embedded"]["aICompletionMetricResourceList"]) == n - 100 * last
    assert "next" not in body.json()["_links"]


def test_record_fields_cover_the_raw_table(http, sim):
    body = get_page(http, sim, startDate=iso(DAY), endDate=iso(DAY + timedelta(days=1)), size=100).json()
    records = body["_embedded"]["aICompletionMetricResourceList"]
    paths = [c.path for c in REVENIUM_COMPLETIONS.columns if c.path]
    for rec in records:
        for path in paths:
            dotted(rec, path)
        assert not set(rec) & DENIED_FIELDS
        assert rec["metricType"] == "COMPLETION"
        assert rec["provider"] in {p.name for p in PROVIDERS} and rec["provider"].isupper()
        assert rec["totalTokenCount"] == rec["inputTokenCount"] + rec["outputTokenCount"]
        assert rec["outputTokenCount"] >= rec["reasoningTokenCount"]
        parts = [
            rec[k]
            for k in ("inputTokenCost", "outputTokenCost", "cacheReadTokenCost", "cacheCreationTokenCost")
        ]
        assert rec["totalCost"] == pytest.approx(sum(parts), abs=1e-9)
        assert rec["requestTime"].endswith("Z") and len(rec["requestTime"]) == 24  # ms precision
        assert set(rec["organization"]) == {"id", "label"} and set(rec["subscriber"]) == {"id", "email"}
        if rec["stopReason"] == "ERROR":
            assert rec["errorReason"] and rec["outputTokenCount"] == 0
    roots = [r for r in records if r["parentTransactionId"] is None]
    assert roots and len(roots) < len(records)


def test_sort_orders_and_stable_paging(http, sim, world):
    start, end = iso(DAY), iso(DAY + timedelta(days=1))
    asc, _ = all_records(http, sim, start, end, "timestamp,asc", size=100)
    desc, _ = all_records(http, sim, start, end, "timestamp,desc", size=77)
    assert len(asc) == len(desc) == world.calls(DAY).n
    keys = [(r["requestTime"], r["id"]) for r in asc]
    assert keys == sorted(keys) and len(set(r["id"] for r in asc)) == len(asc)
    assert [r["id"] for r in desc] == [r["id"] for r in reversed(asc)]
    # default sort is timestamp,desc
    default = get_page(http, sim, startDate=start, endDate=end, size=5).json()
    assert [r["id"] for r in default["_embedded"]["aICompletionMetricResourceList"]] == [
        r["id"] for r in desc[:5]
    ]


def test_window_edges(http, sim, world):
    calls = world.calls(DAY)
    t = int(calls.request_ms[calls.n // 2])
    exact = iso_from_ms(t)
    day_end = iso(DAY + timedelta(days=1))
    # a call exactly at startDate is included ...
    body = get_page(http, sim, startDate=exact, endDate=day_end, size=1, sort="timestamp,asc").json()
    assert body["page"]["totalElements"] == int((calls.request_ms >= t).sum())
    assert body["_embedded"]["aICompletionMetricResourceList"][0]["requestTime"] == exact
    # ... and a call exactly at endDate excluded
    body = get_page(http, sim, startDate=iso(DAY), endDate=exact, size=1, sort="timestamp,desc").json()
    assert body["page"]["totalElements"] == int((calls.request_ms < t).sum())
    assert body["_embedded"]["aICompletionMetricResourceList"][0]["requestTime"] < exact
    # offsets and missing milliseconds are accepted; an empty page has no _embedded
    body = get_page(http, sim, startDate="2024-03-05T01:00:00+01:00", endDate="2024-03-05T00:00:00Z").json()
    assert body["page"]["totalElements"] == 0 and "_embedded" not in body
    body = get_page(http, sim, startDate="2024-03-05T01:00:00+01:00", endDate="2024-03-05T01:00:00Z").json()
    one_am = int(datetime(2024, 3, 5, 1, tzinfo=UTC).timestamp() * 1000)
    assert body["page"]["totalElements"] == int((calls.request_ms < one_am).sum())


def iso_from_ms(ms: int) -> str:
    seconds, milli = divmod(ms, 1000)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{milli:03d}Z"


def test_pages_sum_to_the_analytics_figure(http, sim, world):
    start, end = iso(DAY), iso(DAY + timedelta(days=1))
    completions, _ = all_records(http, sim, start, end)
    # The analytics figure covers every modality: the /ai list (completions, audio, image, video calls).
    records, page = [], 0
    while True:
        body = http.get(
            sim.urls["revenium"] + "/profitstream/v2/api/sources/metrics/ai",
            params={"teamId": "tmAcme01", "startDate": start, "endDate": end, "page": page, "size": 100},
            headers=revenium_headers(),
        ).json()
        records += body.get("_embedded", {}).get("aIMetricResourceList", [])
        page += 1
        if page >= body["page"]["totalPages"]:
            break
    page_total = sum(r["totalCost"] for r in records)
    r = http.get(
        sim.urls["revenium_analytics"] + "/api/v2/analytics/cost-by-provider-aggregated",
        params={"startDate": start, "endDate": end, "size": 100},
        headers=bearer(KEYS.revenium),
    )
    assert r.status_code == 200
    body = r.json()
    assert body["resourceType"] == "metric_aggregated"
    items = body["_embedded"]["items"]
    analytics_total = sum(i["metrics"][0]["metricResult"] for i in items)
    assert analytics_total == pytest.approx(page_total, abs=1e-9)
    # and both equal the world's own numbers, summed in plain Python
    calls = world.calls(DAY)
    media_cost = sum(int(c) for c in media_of(calls).cost)
    assert sum(int(c) for c in calls.total_cost) / 1e9 == pytest.approx(
        sum(r["totalCost"] for r in completions), abs=1e-9
    )
    assert (sum(int(c) for c in calls.total_cost) + media_cost) / 1e9 == pytest.approx(page_total, abs=1e-9)
    by_provider = {}
    for rec in records:
        by_provider[rec["provider"]] = by_provider.get(rec["provider"], 0.0) + rec["totalCost"]
    assert {i["groupName"]: i["metrics"][0]["metricResult"] for i in items} == pytest.approx(by_provider)
    costs = [i["metrics"][0]["metricResult"] for i in items]
    assert costs == sorted(costs, reverse=True)
    assert all(i["metrics"][0]["label"] == "cost" and i["metrics"][0]["metricType"] == "MONEY" for i in items)
    assert body["page"]["totalElements"] == len(items)


def test_analytics_paging_and_other_dimensions(http, sim):
    params = {"startDate": iso(DAY), "endDate": iso(DAY + timedelta(days=1)), "size": 3, "page": 1}
    r = http.get(
        sim.urls["revenium_analytics"] + "/api/v2/analytics/cost-by-agent-aggregated",
        params=params,
        headers=bearer(KEYS.revenium),
    )
    body = r.json()
    assert r.status_code == 200 and len(body["_embedded"]["items"]) == 3
    assert body["page"]["number"] == 1 and body["page"]["totalElements"] >= 10


def test_errors(http, sim):
    url = sim.urls["revenium"] + COMPLETIONS
    r = http.get(url, params={"teamId": "tmAcme01"}, headers={"x-api-key": "wrong"})
    assert r.status_code == 401 and r.json() == {"error": "Invalid or inactive API key"}
    r = http.get(url, params={"teamId": "tmAcme01"})
    assert r.status_code == 401
    r = http.get(url, headers=revenium_headers())
    assert r.status_code == 400 and r.json() == {"details": {"error": "teamId is required"}}
    r = http.get(url, params={"teamId": "tmAcme01", "startDate": "yesterday"}, headers=revenium_headers())
    assert r.status_code == 400 and r.json()["details"]["error"].startswith("Expected ISO 8601 format")
    r = http.get(url, params={"teamId": "nope"}, headers=revenium_headers())
    assert r.status_code == 404
    r = http.get(url, params={"teamId": "tmAcme01", "sort": "cost,desc"}, headers=revenium_headers())
    assert r.status_code == 400
    r = http.get(
        sim.urls["revenium_analytics"] + "/api/v2/analytics/cost-by-provider-aggregated",
        headers={"x-api-key": KEYS.revenium},  # the analytics host wants a Bearer token
    )
    assert r.status_code == 401


def test_default_window_is_the_last_24_hours(http, sim, world):
    body = get_page(http, sim, size=1).json()
    cutoff = int(NOW.timestamp() * 1000)
    expected = 0
    for day in (NOW.date() - timedelta(days=1), NOW.date()):
        t = world.calls(day).request_ms
        expected += int(((t > cutoff - 86_400_000) & (t <= cutoff)).sum())
    assert body["page"]["totalElements"] == expected
    assert np.isfinite(expected) and expected > 0
