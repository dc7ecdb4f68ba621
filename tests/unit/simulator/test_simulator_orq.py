"""orq.ai reporting: responses valid against the vendored spec, truncation, totals, grains and filters."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest

from simulator.observers import orq_costs
from simulator.prices import MODELS, PROVIDERS

from .conftest import DAY, KEYS, bearer, iso, spec_validator

DAY_START, DAY_END = iso(DAY), iso(DAY + timedelta(days=1))
GROUP_BY = ["project", "provider", "model", "agent", "identity"]


@pytest.fixture(scope="module")
def validator():
    return spec_validator("orq-openapi.json", "QueryReportResponse")


def report(http, sim, **body):
    body = {"from": DAY_START, "to": DAY_END, **body}
    return http.post(sim.urls["orq"] + "/v2/reporting", json=body, headers=bearer(KEYS.orq))


def orq_calls(world):
    calls = world.calls(DAY)
    return calls, [i for i in range(calls.n) if calls.in_orq[i]]


def test_cost_by_hour_and_dimensions_matches_the_world(http, sim, world, validator):
    r = report(
        http, sim, metric="genai.cost", grain="hour", group_by=GROUP_BY, include_totals=True, limit=5000
    )
    assert r.status_code == 200
    body = r.json()
    validator.validate(body)
    assert body["object"] == "report" and body["has_more"] is False
    assert body["request"]["metric"] == "genai.cost" and body["request"]["group_by"] == GROUP_BY
    assert body["meta"]["effective_grain"] == "hour" and body["meta"]["currency"] == "USD"
    assert body["meta"]["row_count"] == len(body["data"]) < 5000
    assert r.headers["X-Request-Id"] == body["meta"]["request_id"]
    stamps = [p["timestamp"] for p in body["data"]]
    assert stamps == sorted(stamps)

    calls, rows = orq_calls(world)
    expected = defaultdict(int)  # (hour, project, provider, model, agent, identity) -> nano-dollars
    for i in rows:
        hour = (int(calls.request_ms[i]) // 3_600_000) % 24
        key = (
            f"{DAY.isoformat()}T{hour:02d}:00:00Z",
            world.products[calls.product[i]].name,
            PROVIDERS[calls.provider[i]].name.lower(),
            MODELS[calls.model[i]].name,
            world.agents[calls.agent[i]].name,
            world.organizations[calls.organization[i]].name,
        )
        expected[key] += int(orq_costs(calls)["total_cost"][i])
    got = {
        (p["timestamp"], *(p["dimensions"][d] for d in GROUP_BY)): p["metrics"]["genai.cost"]
        for p in body["data"]
    }
    assert got.keys() == expected.keys()
    for key, nanos in expected.items():
        assert got[key] == pytest.approx(nanos / 1e9, rel=1e-9)
    total = sum(int(orq_costs(calls)["total_cost"][i]) for i in rows) / 1e9
    assert body["totals"]["metrics"]["genai.cost"] == pytest.approx(total, rel=1e-9)


def test_truncated_at_limit_with_totals_over_the_whole_window(http, sim, world, validator):
    body = report(
        http, sim, metric="genai.requests", grain="hour", group_by=GROUP_BY, limit=7, include_totals=True
    ).json()
    validator.validate(body)
    assert len(body["data"]) == 7 and body["meta"]["row_count"] == 7 and body["has_more"] is False
    _, rows = orq_calls(world)
    assert body["totals"]["metrics"]["genai.requests"] == len(rows)
    assert sum(p["metrics"]["genai.requests"] for p in body["data"]) < len(rows)
    # a limit above the cap is silently capped, and echoed as sent
    capped = report(
        http, sim, metric="genai.requests", grain="minute", group_by=GROUP_BY, limit=100_000
    ).json()
    assert capped["request"]["limit"] == 100_000 and len(capped["data"]) <= 5000


def test_metrics_grains_and_modes(http, sim, world, validator):
    calls, rows = orq_calls(world)
    errors = sum(1 for i in rows if calls.is_error[i])
    tokens = sum(
        int(
            calls.input_tokens[i]
            + calls.cache_read_tokens[i]
            + calls.cache_write_tokens[i]
            + calls.output_tokens[i]
        )
        for i in rows
    )
    checks = {
        "genai.errors": errors,
        "genai.error_rate": errors / len(rows),
        "genai.tokens": tokens,
    }
    for metric, expected in checks.items():
        body = report(http, sim, metric=metric, include_totals=True).json()
        validator.validate(body)
        assert body["meta"]["effective_grain"] == "hour"  # auto: a day is <= 14 days
        assert body["totals"]["metrics"][metric] == pytest.approx(expected, rel=1e-9)
    durations = sorted(int(calls.duration_ms[i]) for i in rows)
    p50 = report(http, sim, metric="genai.latency.p50", mode="scalar").json()
    validator.validate(p50)
    assert len(p50["data"]) == 1 and "timestamp" not in p50["data"][0]
    assert durations[0] <= p50["data"][0]["metrics"]["genai.latency.p50"] <= durations[-1]
    ttft = report(http, sim, metric="genai.ttft.avg", mode="scalar").json()["data"][0]["metrics"][
        "genai.ttft.avg"
    ]
    ok = [int(calls.ttft_ms[i]) for i in rows if not calls.is_error[i]]
    assert ttft == pytest.approx(sum(ok) / len(ok), rel=1e-9)

    top = report(http, sim, metric="genai.cost", mode="scalar", group_by=["model"], limit=3).json()
    costs = [p["metrics"]["genai.cost"] for p in top["data"]]
    assert len(costs) == 3 and costs == sorted(costs, reverse=True)

    short = report(http, sim, metric="genai.requests", to=iso(DAY).replace("00:00:00", "06:00:00")).json()
    assert short["meta"]["effective_grain"] == "minute"
    long = report(http, sim, metric="genai.requests", to=iso(DAY + timedelta(days=15))).json()
    assert long["meta"]["effective_grain"] == "day"
    usage = report(http, sim, metric="genai.usage", grain="day").json()
    validator.validate(usage)
    assert len(usage["data"]) == 1 and len(usage["data"][0]["metrics"]) > 1


def test_filters_and_time_zone(http, sim, world):
    calls, rows = orq_calls(world)
    openai = (
        sum(
            int(orq_costs(calls)["total_cost"][i])
            for i in rows
            if PROVIDERS[calls.provider[i]].name == "OPENAI"
        )
        / 1e9
    )
    body = report(
        http,
        sim,
        metric="genai.cost",
        grain="day",
        filters=[{"field": "provider", "op": "eq", "values": ["openai"]}],
    ).json()
    assert body["data"][0]["metrics"]["genai.cost"] == pytest.approx(openai, rel=1e-9)
    not_openai = report(
        http, sim, metric="genai.cost", grain="day", include_totals=True,
        filters=[{"field": "provider", "op": "not_in", "values": ["openai"]}],
    ).json()  # fmt: skip
    whole = report(http, sim, metric="genai.cost", include_totals=True).json()["totals"]["metrics"][
        "genai.cost"
    ]
    assert not_openai["totals"]["metrics"]["genai.cost"] + openai == pytest.approx(whole, rel=1e-9)
    # New York days start at 05:00 UTC in March (before the DST change on the 10th)
    ny = report(http, sim, metric="genai.requests", grain="day", time_zone="America/New_York").json()
    assert [p["timestamp"] for p in ny["data"]] == ["2024-03-04T05:00:00Z", "2024-03-05T05:00:00Z"]


def test_errors(http, sim):
    r = report(http, sim, metric="genai.evaluator.runs")
    assert r.status_code == 400 and r.json()["code"] == "invalid_argument" and r.json()["message"]
    assert report(http, sim, metric="genai.cost", group_by=["tool"]).status_code == 400
    assert report(http, sim, metric="genai.cost", grain="week").status_code == 400
    assert report(http, sim, metric="genai.cost", to=DAY_START).status_code == 400
    bad_filter = [{"field": "model", "op": "eq", "values": ["a", "b"]}]
    assert report(http, sim, metric="genai.cost", filters=bad_filter).status_code == 400
    r = http.post(sim.urls["orq"] + "/v2/reporting", json={"metric": "genai.cost"}, headers=bearer("nope"))
    assert r.status_code == 401 and "X-Request-Id" in r.headers
