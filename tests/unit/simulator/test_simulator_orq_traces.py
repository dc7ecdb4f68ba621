"""orq.ai traces and spans (v3): responses valid against the vendored spec, paging, usage convention."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from simulator.observers import orq_costs

from .conftest import DAY, KEYS, NOW, bearer, iso, spec_validator

DAY_START, DAY_END = iso(DAY), iso(DAY + timedelta(days=1))


def search(http, sim, **body):
    body = {"from": DAY_START, "to": DAY_END, **body}
    return http.post(sim.urls["orq"] + "/v3/traces/search", json=body, headers=bearer(KEYS.orq))


def spans(http, sim, trace_id, **params):
    return http.get(f"{sim.urls['orq']}/v3/traces/{trace_id}/spans", params=params, headers=bearer(KEYS.orq))


def all_traces(http, sim, **body):
    out, token, pages = [], None, 0
    while True:
        extra = {"page_token": token} if token else {}
        r = search(http, sim, **body, **extra)
        assert r.status_code == 200, r.text
        page = r.json()
        out += page["data"]
        pages += 1
        if not page["has_more"]:
            assert "next_page_token" not in page
            return out, pages
        token = page["next_page_token"]


def orq_traces_of_day(world):
    calls = world.calls(DAY)
    rows = np.flatnonzero(calls.in_orq)
    return calls, rows, {calls.trace_id_str(i) for i in rows}


def test_search_validates_against_the_spec_and_pages_over_every_trace_once(http, sim, world):
    r = search(http, sim, limit=5, sort=[{"field": "started_at", "order": "asc"}])
    spec_validator("orq-openapi.json", "SearchTracesResponse").validate(r.json())
    traces, pages = all_traces(http, sim, limit=7, sort=[{"field": "started_at", "order": "asc"}])
    _, _, expected = orq_traces_of_day(world)
    ids = [t["trace_id"] for t in traces]
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected
    assert pages == -(-len(expected) // 7)
    starts = [t["started_at"] for t in traces]
    assert starts == sorted(starts)
    newest_first, _ = all_traces(http, sim, limit=1000)
    assert [t["trace_id"] for t in newest_first] == ids[::-1]


def test_spans_validate_against_the_spec_and_carry_openai_style_usage(http, sim, world):
    calls, rows, _ = orq_traces_of_day(world)
    traces, _ = all_traces(http, sim, limit=1000)
    validator = spec_validator("orq-openapi.json", "ListTraceSpansResponse")
    by_span = {calls.transaction_id_str(i): int(i) for i in rows}
    seen = 0
    for trace in traces[:40]:
        r = spans(http, sim, trace["trace_id"])
        assert r.status_code == 200
        body = r.json()
        validator.validate(body)
        assert body["has_more"] is False
        total = 0.0
        for span in body["data"]:
            i = by_span[span["span_id"]]
            u = span["usage"]
            assert span["type"] == "llm" and span["trace_id"] == trace["trace_id"]
            assert span.get("parent_span_id") == calls.parent_transaction_id_str(i)
            # prompt_tokens INCLUDES cached (and cache-write) tokens; completion INCLUDES reasoning
            assert (
                u["prompt_tokens"]
                == calls.input_tokens[i] + calls.cache_read_tokens[i] + calls.cache_write_tokens[i]
            )
            assert u["prompt_cached_tokens"] == calls.cache_read_tokens[i]
            assert u["completion_tokens"] == calls.output_tokens[i]
            assert u["completion_reasoning_tokens"] == calls.reasoning_tokens[i] <= u["completion_tokens"]
            assert u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]
            assert span["cost"]["total"] == pytest.approx(orq_costs(calls)["total_cost"][i] / 1e9, abs=1e-12)
            total += span["cost"]["total"]
            seen += 1
        assert trace["cost"]["total"] == pytest.approx(total, abs=1e-9)
        assert trace["root_span_id"] == body["data"][0]["span_id"]
    assert seen >= 40


def test_spans_page_by_token(http, sim, world):
    calls, rows, _ = orq_traces_of_day(world)
    sizes = np.bincount(calls.trace[rows])
    big = {"trace_id": calls.trace_id_str(int(rows[calls.trace[rows] == sizes.argmax()][0]))}
    assert sizes.max() >= 3
    whole = spans(http, sim, big["trace_id"]).json()["data"]
    got, token = [], None
    while True:
        page = spans(http, sim, big["trace_id"], limit=1, **({"page_token": token} if token else {})).json()
        got += page["data"]
        if not page["has_more"]:
            break
        token = page["next_page_token"]
    assert got == whole and len(got) == sizes.max()


def test_errors(http, sim):
    assert spans(http, sim, "0" * 32).status_code == 404
    assert search(http, sim, page_token="not-a-token").status_code == 400
    assert (
        http.post(
            sim.urls["orq"] + "/v3/traces/search", json={"from": DAY_START}, headers=bearer(KEYS.orq)
        ).status_code
        == 400
    )
    assert search(http, sim, filters=[{"field": "model", "op": "eq", "values": ["x"]}]).status_code == 400
    r = http.post(sim.urls["orq"] + "/v3/traces/search", json={"from": DAY_START, "to": DAY_END})
    assert r.status_code == 401


def test_calls_after_the_clock_are_not_served(http, sim, world):
    traces, _ = all_traces(
        http, sim, limit=1000, **{"from": iso(NOW.date()), "to": iso(NOW.date() + timedelta(days=1))}
    )
    calls = world.calls(NOW.date())
    rows = np.flatnonzero(calls.in_orq)
    now_ms = int(NOW.timestamp() * 1000)
    visible = {calls.trace_id_str(i) for i in rows if calls.trace_start_ms[calls.trace[i]] <= now_ms}
    assert 0 < len(visible) < len({calls.trace_id_str(i) for i in rows})  # today is partial
    assert {t["trace_id"] for t in traces} == visible
